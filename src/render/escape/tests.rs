use super::*;

#[test]
fn python_literals_escape_quotes_backslashes_line_breaks_and_non_ascii() {
    assert_eq!(py_str("chair"), "'chair'");
    assert_eq!(py_str("x\"); import os #'\\"), "'x\\\"); import os #\\'\\\\'");
    assert_eq!(py_str("a\nb\r\u{7}"), "'a\\nb\\r\\x07'");
    assert_eq!(py_str("Zürich 😀"), "'Z\\u00fcrich \\U0001f600'");
    assert!(py_escape("\"\"\"").chars().all(|c| c == '\\' || c == '"') && !py_escape("\"\"\"").contains("\"\""));
}

#[test]
fn python_names_avoid_keywords_without_merging_distinct_names() {
    assert_eq!(py_attr("make"), "make");
    assert_eq!(py_attr("class"), "class_");
    assert_eq!(py_attr("class_"), "class__");
    assert_eq!(py_attr("objective"), "objective_");
    assert_eq!(py_ident("m"), "m_");
    assert_eq!(py_attr("m"), "m");
    assert_eq!(py_attr("x\"); import os#"), "_bad_x____import_os_");
    assert!(is_identifier(&py_ident("9 lives")));
}

#[test]
fn mathprog_literals_double_quotes_and_stay_on_one_printable_line() {
    assert_eq!(mathprog_str("chair"), "'chair'");
    assert_eq!(mathprog_str("'; printf \"x\" > \"X\";"), "'''; printf \"x\" > \"X\";'");
    assert_eq!(mathprog_str("a\\nb"), "'a\\\\nb'");
    assert_eq!(mathprog_str("a\nb"), "'a\\nb'");
    assert_eq!(mathprog_str("Zürich"), "'Z\\u{fc}rich'");
    assert_eq!(mathprog_ident("sum"), "sum_");
    assert_eq!(mathprog_ident("supply"), "supply");
}

#[test]
fn comments_hold_no_line_break() {
    assert_eq!(one_line("a\nprintf 'x';\r\u{2028}b"), "a printf 'x';  b");
}

#[test]
fn tex_text_leaves_no_control_sequence_group_or_math_shift_of_its_input() {
    let t = tex_text("\\input{/etc/passwd} $x$ 50% #1 a&b ^^5c ~ a_b |<>");
    assert_eq!(
        t,
        "\\textbackslash{}input\\{/etc/passwd\\} \\textdollar{}x\\textdollar{} 50\\% \\#1 a\\&b \
         \\textasciicircum{}\\textasciicircum{}5c \\textasciitilde{} a\\_b \\textbar{}\\textless{}\\textgreater{}"
    );
    assert_eq!(tex_text("a\n\nb\u{1}"), "a  b");
    assert_eq!(tex_text("café 😀 2×3"), "café \\texttt{U+1F600} 2\\texttt{U+00D7}3");
}

#[test]
fn tex_identifiers_escape_what_is_not_an_identifier() {
    assert_eq!(tex_ident("x"), "x");
    assert_eq!(tex_ident("max_flow"), "\\mathit{max\\_flow}");
    assert_eq!(tex_ident("\\href"), "\\text{\\textit{\\textbackslash{}href}}");
    assert_eq!(tex_ident("$"), "\\text{\\textit{\\textdollar{}}}");
}

#[test]
fn markdown_text_forms_no_tag_link_emphasis_math_or_block() {
    assert_eq!(md_text("units made per week"), "units made per week");
    assert_eq!(md_text("max_flow"), "max_flow");
    assert_eq!(md_text("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
    assert_eq!(md_text("[a](javascript:x) $\\href{j}{k}$"), "&#91;a&#93;(javascript:x) &#36;&#92;href{j}{k}&#36;");
    assert_eq!(md_text("_a_ *b*\n# h"), "&#95;a&#95; &#42;b&#42; &#35; h");
    assert_eq!(md_text("- item"), "&#45; item");
    assert_eq!(md_text("2024. plan"), "2024&#46; plan");
    assert_eq!(md_text("&amp;"), "&amp;amp;");
}
