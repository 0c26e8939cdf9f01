use super::*;
use proptest::prelude::*;

fn roundtrip(src: &str) -> String {
    parse_expr(src).unwrap().to_string()
}

#[test]
fn sum_takes_the_product_that_follows() {
    let e = parse_expr("sum{i in I} a[i]*x[i] + 5").unwrap();
    let ExprKind::Binary { op: BinOp::Add, lhs, .. } = e.kind else { panic!("{e:?}") };
    assert!(matches!(lhs.kind, ExprKind::Sum { .. }));
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(roundtrip("a - (b - c)"), "a - (b - c)");
    assert_eq!(roundtrip("(a - b) - c"), "a - b - c");
    assert_eq!(roundtrip("2^3^2"), "2^3^2");
    assert_eq!(roundtrip("(2^3)^2"), "(2^3)^2");
    assert_eq!(roundtrip("-x^2"), "-x^2");
    assert_eq!(roundtrip("(-x)^2"), "(-x)^2");
    assert_eq!(roundtrip("a ** 2"), "a^2");
    assert_eq!(roundtrip("2 * (x + y) / 3"), "2*(x + y)/3");
}

#[test]
fn ranges_tuples_filters() {
    let ix = parse_indexing("i in I, (j,k) in Arcs, t in 1..T-1: i != j and t > 1").unwrap();
    assert_eq!(ix.bindings.len(), 3);
    assert_eq!(ix.bindings[1].names.len(), 2);
    assert!(matches!(ix.bindings[2].set.kind, SetKind::Range(..)));
    assert!(ix.filter.is_some());
    assert_eq!(ix.to_string(), "i in I, (j,k) in Arcs, t in 1..T - 1: i != j and t > 1");
    let anon = parse_indexing("Products").unwrap();
    assert!(anon.bindings[0].names.is_empty());
}

#[test]
fn membership_and_if() {
    assert_eq!(roundtrip("if (i,j) in Arcs then c[i,j] else 0"), "if (i,j) in Arcs then c[i,j] else 0");
    assert_eq!(
        roundtrip("(if t == first(T) then 0 else inv[t-1]) + x"),
        "(if t == first(T) then 0 else inv[t - 1]) + x"
    );
}

#[test]
fn relations() {
    let r = parse_relation("10 <= sum{p in P} make[p] <= 50").unwrap();
    assert_eq!(r.ops.len(), 2);
    let r = parse_relation("2*x + 3*y = 12").unwrap();
    assert_eq!(r.ops[0].0, RelOp::Eq);
    assert_eq!(r.to_string(), "2*x + 3*y == 12");
}

#[test]
fn numbers_and_literals() {
    assert_eq!(roundtrip("1e3 + 0.25 + .5"), "1000 + 0.25 + 0.5");
    assert_eq!(roundtrip("x['chair'] + y[\"o'neil\"]"), "x['chair'] + y[\"o'neil\"]");
    let ix = parse_indexing("t in 1..12").unwrap();
    assert_eq!(ix.to_string(), "t in 1..12");
}

#[test]
fn errors_point_at_the_problem() {
    let e = parse_expr("2 x").unwrap_err();
    assert_eq!(e.span, Span::new(2, 3));
    assert_eq!((e.span.start, e.span.end), (2, 3));
    assert!(e.help.unwrap().contains("operator"));
    let e = parse_expr("sum{i in I x[i]").unwrap_err();
    assert_eq!(e.span.start, 11);
    let e = parse_relation("x + y").unwrap_err();
    assert!(e.message.contains("comparison"), "{}", e.message);
    let e = parse_expr("x[1").unwrap_err();
    assert!(e.message.contains("`]`"), "{}", e.message);
    let e = parse_expr("'abc").unwrap_err();
    assert!(e.message.contains("unterminated"));
}

// ---- round trip: print → parse gives the same tree ----

fn sp() -> Span {
    Span::default()
}
fn node(kind: ExprKind) -> Expr {
    Expr { kind, span: sp() }
}

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["x", "y", "cost", "i", "j", "T"]).prop_map(String::from)
}

fn set_expr() -> impl Strategy<Value = SetExpr> {
    prop_oneof![
        prop::sample::select(vec!["I", "J", "Arcs"])
            .prop_map(|n| SetExpr { kind: SetKind::Named(n.into()), span: sp() }),
        (1u32..5, name()).prop_map(|(a, b)| SetExpr {
            kind: SetKind::Range(Box::new(node(ExprKind::Num(a as f64))), Box::new(node(ExprKind::Name(b)))),
            span: sp()
        }),
    ]
}

fn indexing(inner: BoxedStrategy<Expr>) -> impl Strategy<Value = Indexing> {
    let binding = (prop::collection::vec(prop::sample::select(vec!["i", "j", "k"]), 1..3), set_expr())
        .prop_map(|(names, set)| Binding { names: names.into_iter().map(|n| (n.to_string(), sp())).collect(), set });
    (prop::collection::vec(binding, 1..3), prop::option::of(inner)).prop_map(|(bindings, filter)| Indexing {
        bindings,
        filter: filter.map(Box::new),
        span: sp(),
    })
}

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        (0u32..1000).prop_map(|n| node(ExprKind::Num(n as f64))),
        (0u32..100).prop_map(|n| node(ExprKind::Num(n as f64 / 8.0))),
        name().prop_map(|n| node(ExprKind::Name(n))),
        prop::sample::select(vec!["chair", "a b"]).prop_map(|s| node(ExprKind::Str(s.into()))),
        Just(node(ExprKind::Inf)),
    ];
    leaf.prop_recursive(5, 40, 3, |inner| {
        let ops = prop::sample::select(vec![
            BinOp::Add,
            BinOp::Sub,
            BinOp::Mul,
            BinOp::Div,
            BinOp::Mod,
            BinOp::Pow,
            BinOp::Eq,
            BinOp::Ne,
            BinOp::Lt,
            BinOp::Le,
            BinOp::Gt,
            BinOp::Ge,
            BinOp::And,
            BinOp::Or,
        ]);
        prop_oneof![
            (ops, inner.clone(), inner.clone()).prop_map(|(op, l, r)| node(ExprKind::Binary {
                op,
                lhs: Box::new(l),
                rhs: Box::new(r)
            })),
            inner.clone().prop_map(|a| node(ExprKind::Neg(Box::new(a)))),
            inner.clone().prop_map(|a| node(ExprKind::Not(Box::new(a)))),
            (name(), prop::collection::vec(inner.clone(), 1..3)).prop_map(|(name, args)| node(ExprKind::Index {
                name,
                name_span: sp(),
                args
            })),
            (prop::sample::select(vec!["max", "card", "ord"]), prop::collection::vec(inner.clone(), 1..3))
                .prop_map(|(f, args)| node(ExprKind::Call { func: f.into(), args })),
            (indexing(inner.clone().boxed()), inner.clone())
                .prop_map(|(over, b)| node(ExprKind::Sum { over, body: Box::new(b) })),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, t, o)| node(ExprKind::If {
                cond: Box::new(c),
                then: Box::new(t),
                otherwise: Box::new(o)
            })),
            (prop::collection::vec(inner.clone(), 1..3), set_expr())
                .prop_map(|(items, set)| node(ExprKind::In { items, set })),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn print_then_parse_is_identity(e in expr()) {
        let printed = e.to_string();
        let reparsed = parse_expr(&printed).map_err(|err| TestCaseError::fail(format!("{printed}: {err:?}")))?;
        prop_assert_eq!(&reparsed, &e, "printed as {}", printed);
    }
}

// ---- bounded depth, whatever the input ----

fn flat_chain(operand: &str, op: &str, n: usize) -> String {
    vec![operand; n].join(op)
}

fn roomy() -> ParseLimits {
    ParseLimits { max_len: 10_000_000, ..ParseLimits::default() }
}

#[test]
fn flat_sum_of_800_terms_is_log_deep() {
    let e = parse_expr(&flat_chain("x", " + ", 800)).unwrap();
    // ceil(log2 800) = 10 levels of `+` above the leaves.
    assert_eq!(depth(&e), 11);
}

#[test]
fn flat_sum_of_100000_terms_is_log_deep() {
    let e = parse_expr_with(&flat_chain("x[i]", "+", 100_000), &roomy()).unwrap();
    // ceil(log2 100000) = 17 levels of `+`, then the index node and its argument.
    assert_eq!(depth(&e), 19);
}

#[test]
fn chains_up_to_16_operands_stay_left_deep() {
    let sixteen = parse_expr(&flat_chain("x", " - ", 16)).unwrap();
    assert_eq!(depth(&sixteen), 16);
    assert_eq!(sixteen.to_string(), flat_chain("x", " - ", 16));
    let seventeen = parse_expr(&flat_chain("x", " - ", 17)).unwrap();
    assert_eq!(depth(&seventeen), 6);
}

#[test]
fn long_chains_of_every_level_are_balanced() {
    for op in [" + ", " - ", "*", "/", " and ", " or "] {
        let e = parse_expr(&flat_chain("p", op, 1000)).unwrap();
        assert_eq!(depth(&e), 11, "chain of `{op}`");
    }
}

#[test]
fn balanced_chain_regroups_minus_and_divide() {
    // 17 operands: the left half is the eight `a`s, the right half starts with `- b`, so it is
    // built with its signs flipped and subtracted.
    let minus = parse_expr(&format!("{} - b - c + d - e - f - g - h - k - m", flat_chain("a", " + ", 8))).unwrap();
    let ExprKind::Binary { op: BinOp::Sub, lhs, rhs } = &minus.kind else { panic!("{minus}") };
    assert_eq!(lhs.to_string(), "a + a + (a + a) + (a + a + (a + a))");
    assert_eq!(rhs.to_string(), "b + c - (d - e) + (f + g + (h + (k + m)))");
    let div = parse_expr(&format!("{}/b/c*d/e/f/g/h/k/m", flat_chain("a", "*", 8))).unwrap();
    let ExprKind::Binary { op: BinOp::Div, rhs, .. } = &div.kind else { panic!("{div}") };
    assert_eq!(rhs.to_string(), "b*c/(d/e)*(f*g*(h*(k*m)))");
}

/// Value of a tree of numbers, `-`, `+ - * /`: what the chain means.
fn eval(e: &Expr) -> f64 {
    match &e.kind {
        ExprKind::Num(n) => *n,
        ExprKind::Neg(a) => -eval(a),
        ExprKind::Binary { op, lhs, rhs } => {
            let (l, r) = (eval(lhs), eval(rhs));
            match op {
                BinOp::Add => l + r,
                BinOp::Sub => l - r,
                BinOp::Mul => l * r,
                BinOp::Div => l / r,
                other => panic!("no operator {other:?} in these tests"),
            }
        }
        other => panic!("no {other:?} in these tests"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    /// Integers under `+ -` and powers of two under `* /` are exact in f64, so any regrouping
    /// that changes the meaning changes the value.
    #[test]
    fn long_chains_keep_the_value_of_reading_left_to_right(
        first in 0u32..100,
        sums in prop::collection::vec((any::<bool>(), 0u32..100), 1..200),
        first_factor in 0i32..6,
        products in prop::collection::vec((any::<bool>(), -6i32..6), 1..200),
    ) {
        let mut src = first.to_string();
        let mut expected = f64::from(first);
        for (minus, n) in &sums {
            src += if *minus { " - " } else { " + " };
            src += &n.to_string();
            expected = if *minus { expected - f64::from(*n) } else { expected + f64::from(*n) };
        }
        let e = parse_expr(&src).unwrap();
        prop_assert_eq!(eval(&e), expected, "{}", src);

        let mut src = format_number(2f64.powi(first_factor));
        let mut expected = 2f64.powi(first_factor);
        for (divide, k) in &products {
            let x = 2f64.powi(*k);
            src += if *divide { "/" } else { "*" };
            src += &format_number(x);
            expected = if *divide { expected / x } else { expected * x };
        }
        let e = parse_expr(&src).unwrap();
        prop_assert_eq!(eval(&e), expected, "{}", src);
    }
}

use print::format_number;

fn operand() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..50).prop_map(|n| n.to_string()),
        name(),
        name().prop_map(|n| format!("x[{n},'a b']")),
        name().prop_map(|n| format!("-{n}")),
        name().prop_map(|n| format!("(sum{{i in I}} c[i]*{n})")),
        name().prop_map(|n| format!("(if {n} > 1 then {n} else 2)")),
        name().prop_map(|n| format!("({n} - 1)")),
        name().prop_map(|n| format!("{n}^2")),
    ]
}

/// A chain at the level of `ops`, its operands joined with operators drawn from `ops`.
fn chain_src(ops: &'static [&'static str], operands: prop::collection::SizeRange) -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(ops), operand()), operands).prop_map(|items| {
        let mut src = String::new();
        for (k, (op, x)) in items.into_iter().enumerate() {
            if k > 0 {
                src += op;
            }
            src += &x;
        }
        src
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn balanced_trees_print_then_parse_to_the_same_tree(
        additive in chain_src(&[" + ", " - "], (17..300).into()),
        multiplicative in chain_src(&["*", "/"], (17..300).into()),
        logical in chain_src(&[" and ", " or "], (17..300).into()),
        nested in chain_src(&[" + ", " - "], (2..40).into()),
    ) {
        let mixed = format!("({nested}) * {additive} - ({multiplicative} + {nested})");
        for src in [&additive, &multiplicative, &logical, &mixed] {
            let e = parse_expr(src).map_err(|err| TestCaseError::fail(format!("{src}: {err:?}")))?;
            let printed = e.to_string();
            let reparsed = parse_expr(&printed).map_err(|err| TestCaseError::fail(format!("{printed}: {err:?}")))?;
            prop_assert_eq!(&reparsed, &e, "printed as {}", printed);
        }
    }
}

#[test]
fn long_chains_print_flat_as_written() {
    for (op, shown) in [("-", " - "), ("/", "/"), ("or", " or ")] {
        let src: Vec<String> = (1..=40).map(|k| format!("x{k}")).collect();
        let src = src.join(shown);
        let e = parse_expr(&src).unwrap();
        assert_eq!(e.to_string(), src, "chain of `{op}`");
    }
    let src = "a*(sum{i in I} b[i])*c/d*e*f*g*h*i*j*k*l*m*n*o*p*q*r*sum{i in I} s[i]";
    assert_eq!(parse_expr(src).unwrap().to_string(), src);
}

#[test]
fn long_left_deep_chain_built_by_hand_prints_back_to_itself() {
    let leaf = |n: u32| node(ExprKind::Num(f64::from(n)));
    let mut e = leaf(0);
    for n in 1..40 {
        let op = if n % 3 == 0 { BinOp::Sub } else { BinOp::Add };
        e = node(ExprKind::Binary { op, lhs: Box::new(e), rhs: Box::new(leaf(n)) });
    }
    assert_eq!(depth(&e), 40);
    let printed = e.to_string();
    assert_eq!(parse_expr(&printed).unwrap(), e, "printed as {printed}");
}

/// `n` levels of each kind of nesting around `x`.
fn nestings(n: usize) -> Vec<(&'static str, String)> {
    vec![
        ("parentheses", format!("{}x{}", "(".repeat(n), ")".repeat(n))),
        ("unary minus", format!("{}x", "-".repeat(n))),
        ("not", format!("{}x", "not ".repeat(n))),
        ("sum", format!("{}x", "sum{i in I} ".repeat(n))),
        ("if", format!("{}x{}", "if c then 1 else ".repeat(n), "")),
        ("calls", format!("{}x{}", "max(".repeat(n), ")".repeat(n))),
        ("index lists", format!("{}x{}", "a[".repeat(n), "]".repeat(n))),
        ("powers", format!("{}x", "x^".repeat(n))),
        ("tuples", format!("{}x,y{}", "(".repeat(n), ")".repeat(n))),
    ]
}

#[test]
fn nesting_past_the_limit_is_an_error_naming_it() {
    for (what, src) in nestings(5000) {
        let err = parse_expr(&src).expect_err(what);
        assert_eq!(err.message, "expression nests deeper than 64 levels", "{what}");
        assert!(err.help.as_deref().is_some_and(|h| h.contains("split it into parameters")), "{what}");
        assert!(err.span.end <= src.len(), "{what}");
    }
}

#[test]
fn nesting_up_to_the_limit_parses() {
    for (what, src) in nestings(63) {
        let e = parse_expr(&src).unwrap_or_else(|err| panic!("{what}: {err:?}"));
        assert!(depth(&e) <= 64, "{what}");
    }
    let err = parse_expr(&format!("{}x{}", "(".repeat(65), ")".repeat(65))).unwrap_err();
    assert!(err.message.contains("64"));
    assert!(parse_expr(&format!("{}x{}", "(".repeat(64), ")".repeat(64))).is_ok());
}

#[test]
fn shallow_nesting_of_short_left_deep_chains_hits_the_tree_depth_limit() {
    // Five parentheses deep, each level a 16-operand chain whose first operand nests further:
    // little nesting, but 5 * 15 + 1 nodes deep.
    let mut src = "x".to_string();
    for _ in 0..5 {
        src = format!("({src}){}", " + y".repeat(15));
    }
    let err = parse_expr(&src).unwrap_err();
    assert_eq!(err.message, "expression nests deeper than 64 levels");
    let ok = parse_expr_with(&src, &ParseLimits { max_depth: 76, ..ParseLimits::default() }).unwrap();
    assert_eq!(depth(&ok), 76);
}

#[test]
fn limits_apply_to_relations_and_indexings() {
    let deep = format!("{}x{}", "(".repeat(100), ")".repeat(100));
    assert!(parse_relation(&format!("{deep} <= 1")).unwrap_err().message.contains("64 levels"));
    assert!(parse_indexing(&format!("i in I: {deep} > 0")).unwrap_err().message.contains("64 levels"));
    assert!(parse_indexing(&format!("t in 1..{deep}")).unwrap_err().message.contains("64 levels"));
    let r = parse_relation(&format!("{} <= {}", flat_chain("x", "+", 5000), flat_chain("y", "-", 5000))).unwrap();
    assert!(r.parts.iter().all(|p| depth(p) <= 14));
}

#[test]
fn source_over_the_length_limit_is_an_error_before_lexing() {
    let src = format!("{} + é", "x".repeat(100_000));
    let err = parse_expr(&src).unwrap_err();
    assert_eq!(err.message, format!("expression is {} bytes long, over the limit of 100000 bytes", src.len()));
    assert_eq!(err.span, Span::new(100_000, src.len()));
    assert_eq!((err.span.start, err.span.end), (100_000, src.len()));
    let limits = ParseLimits { max_len: 10, ..ParseLimits::default() };
    // The cut lands inside `é` (bytes 9..11); the span starts at a char boundary.
    let err = parse_expr_with("12345678 é", &limits).unwrap_err();
    assert_eq!(err.span.start, 9);
    assert!(parse_expr_with("x + y", &limits).is_ok());
}

#[test]
fn odd_numbers_and_unclosed_brackets_are_errors() {
    assert!(parse_expr("1e999").unwrap_err().message.contains("too large"));
    assert!(parse_indexing("t in 1..1e18").is_ok());
    for src in ["x[", "x[1", "sum{", "sum{i in I", "max(", "(", "'", "\"abc", "1e", "1.e5.", "..", "é", "x 中", "😀"]
    {
        assert!(parse_expr(src).is_err(), "{src}");
    }
}

#[test]
fn long_names_are_shortened_in_messages() {
    let err = parse_expr(&format!("1 {}", "n".repeat(10_000))).unwrap_err();
    assert!(err.message.len() < 200, "{}", err.message);
}

#[test]
fn deepest_accepted_tree_survives_a_small_stack() {
    // Tokio's blocking threads have 2 MB; parsing, printing, comparing and dropping the
    // deepest trees accepted must fit in less.
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            for (_, src) in nestings(63) {
                let e = parse_expr(&src).unwrap();
                let printed = e.to_string();
                assert_eq!(parse_expr(&printed).unwrap(), e);
            }
            for (_, src) in nestings(100_000) {
                assert!(parse_expr_with(&src, &roomy()).is_err());
            }
            // The deepest tree the parser can build before its depth is checked: every allowed
            // level of parentheses holds left-deep chains of 16 at each of the four chain levels.
            let mut src = "x".to_string();
            for _ in 0..64 {
                src = format!(
                    "({src}){}{} < 1{}{}",
                    "*y".repeat(15),
                    " + y".repeat(15),
                    " and p".repeat(15),
                    " or q".repeat(15)
                );
            }
            assert_eq!(parse_expr_with(&src, &roomy()).unwrap_err().message, "expression nests deeper than 64 levels");
            let unlimited = ParseLimits { max_depth: 10_000, max_len: usize::MAX };
            let e = parse_expr_with(&src, &unlimited).unwrap();
            assert!(depth(&e) > 3_000, "{}", depth(&e));
        })
        .unwrap();
    handle.join().unwrap();
}

// ---- hostile input: never a panic, never a tree past the bound ----

fn hostile_piece() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        "+", "-", "*", "/", "^", "**", "(", ")", "[", "]", "{", "}", ",", ":", "..", "<=", ">=", "<", ">", "==", "=",
        "!=", "<>", "!", "&&", "||", " ", "\n", "\t", "'", "\"", "sum", "in", "if", "then", "else", "and", "or", "not",
        "inf", "x", "i", "I", "max", "1", "0.5", ".5", "1e3", "1e999", "1..", "é", "中", "😀", "\u{301}", "\u{200b}",
        "\u{0}", "_", ";", "#",
    ]);
    prop_oneof![
        8 => tokens.prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
        1 => (prop::sample::select(vec!["(", "-", "not ", "sum{i in I} ", "x^", "f(", "a[", "if x then 1 else "]), 1..200usize)
            .prop_map(|(open, n)| open.repeat(n)),
        1 => (prop::sample::select(vec![" + x", "*y", " and p", " or q", " - 1", "/2"]), 1..500usize)
            .prop_map(|(link, n)| link.repeat(n)),
    ]
}

fn hostile_source() -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_piece(), 0..40).prop_map(|pieces| pieces.concat())
}

/// Valid expressions made hostile: nested deep, repeated into long chains, and sometimes with
/// a stray token or character spliced in.
fn hostile_around_valid() -> impl Strategy<Value = String> {
    let wrapper = prop::sample::select(vec![
        ("(", ")"),
        ("-(", ")"),
        ("not (", ")"),
        ("max(", ")"),
        ("a[", "]"),
        ("sum{i in I} (", ")"),
    ]);
    let link = prop::sample::select(vec![" + ", " - ", "*", "/", " and ", " or "]);
    // As an expression, either side of a relation, an index filter or a range bound.
    let place = prop::sample::select(vec![("", ""), ("", " <= 0"), ("i in I: ", ""), ("t in 1..", "")]);
    let splice = prop::option::of((hostile_piece(), any::<prop::sample::Index>()));
    (expr(), (wrapper, 0usize..100), (link, 1usize..80), place, splice).prop_map(
        |(e, ((open, close), nest), (link, copies), (before, after), splice)| {
            let chain = vec![e.to_string(); copies].join(link);
            let mut src = format!("{before}{}{chain}{}{after}", open.repeat(nest), close.repeat(nest));
            if let Some((piece, at)) = splice {
                let at = (0..=at.index(src.len() + 1)).rev().find(|&i| src.is_char_boundary(i)).unwrap_or(0);
                src.insert_str(at, &piece);
            }
            src
        },
    )
}

fn assert_within(limits: &ParseLimits, src: &str) -> Result<(), TestCaseError> {
    if let Ok(e) = parse_expr_with(src, limits) {
        prop_assert!(depth(&e) <= limits.max_depth, "{src}");
    }
    if let Ok(r) = parse_relation_with(src, limits) {
        prop_assert!(r.parts.iter().all(|p| depth(p) <= limits.max_depth), "{src}");
    }
    if let Ok(ix) = parse_indexing_with(src, limits) {
        prop_assert!(depth::indexing_roots(&ix).iter().all(|p| depth(p) <= limits.max_depth), "{src}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    #[test]
    fn hostile_input_never_panics_and_stays_within_the_depth_bound(
        src in prop_oneof![hostile_source(), hostile_around_valid()],
        max_depth in 1usize..80,
    ) {
        assert_within(&ParseLimits::default(), &src)?;
        assert_within(&ParseLimits { max_depth, max_len: 5_000 }, &src)?;
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        assert_within(&ParseLimits::default(), &String::from_utf8_lossy(&bytes))?;
    }
}

#[test]
fn an_inline_set_builder_in_an_index_points_to_declaring_the_set() {
    let e = parse_expr("sum{i in {j : j in I}} x[i]").unwrap_err();
    assert_eq!(e.span.start, 9);
    assert!(e.help.unwrap().contains("declare the set under \"sets\""));
}
