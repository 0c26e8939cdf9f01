//! LaTeX mathematics (for the `latex` document and the `markdown` math blocks).

use super::escape::{tex_ident as ident, tex_text as text};
use super::translate::{one_or_tuple, tr, Out, Scope, Target};
use crate::expr::{BinOp, Builtin, Expr, ReduceOp, RelOp};

pub struct Latex;

impl Target for Latex {
    fn string(&self, s: &str) -> String {
        format!("\\text{{{}}}", text(s))
    }
    fn infinity(&self) -> String {
        "\\infty".into()
    }
    fn name(&self, _: &Scope, name: &str) -> String {
        ident(name)
    }
    fn index(&self, _: &Scope, name: &str, args: Vec<String>) -> String {
        format!("{}_{{{}}}", ident(name), args.join(","))
    }
    fn call(&self, scope: &mut Scope, func: Builtin, args: &[Expr]) -> Out {
        let a: Vec<String> = args.iter().map(|x| tr(self, scope, x)).collect::<Result<_, _>>()?;
        let one = a.first().cloned().unwrap_or_default();
        Ok(match func {
            Builtin::Card => format!("\\lvert {one} \\rvert"),
            Builtin::Abs => format!("\\left\\lvert {one} \\right\\rvert"),
            Builtin::Min | Builtin::Max => format!("\\{func}\\left({}\\right)", a.join(", ")),
            Builtin::Count => format!("\\#\\left\\{{{}\\right\\}}", a.join(", ")),
            Builtin::Sqrt => format!("\\sqrt{{{one}}}"),
            Builtin::Exp => format!("e^{{{one}}}"),
            Builtin::Log => format!("\\ln\\left({one}\\right)"),
            Builtin::Floor => format!("\\left\\lfloor {one} \\right\\rfloor"),
            Builtin::Ceil => format!("\\left\\lceil {one} \\right\\rceil"),
            other => format!("\\operatorname{{{}}}\\left({}\\right)", text(other.name()), a.join(", ")),
        })
    }
    fn shift(&self, _: &Scope, dummy: &str, by: i64) -> Out {
        Ok(if by < 0 { format!("{}-{}", ident(dummy), -by) } else { format!("{}+{by}", ident(dummy)) })
    }
    fn binary(&self, op: BinOp, l: String, r: String) -> String {
        match op {
            BinOp::Mul => {
                let numeric = r.starts_with(|c: char| c.is_ascii_digit() || c == '(');
                if numeric {
                    format!("{l} \\cdot {r}")
                } else {
                    format!("{l}\\,{r}")
                }
            }
            BinOp::Div => format!("\\frac{{{l}}}{{{r}}}"),
            BinOp::Mod => format!("{l} \\bmod {r}"),
            BinOp::Pow => format!("{{{l}}}^{{{r}}}"),
            BinOp::Eq => format!("{l} = {r}"),
            BinOp::Ne => format!("{l} \\neq {r}"),
            BinOp::Le => format!("{l} \\le {r}"),
            BinOp::Ge => format!("{l} \\ge {r}"),
            BinOp::And => format!("{l} \\land {r}"),
            BinOp::Or => format!("{l} \\lor {r}"),
            BinOp::Implies => format!("{l} \\implies {r}"),
            BinOp::Iff => format!("{l} \\iff {r}"),
            _ => format!("{l} {} {r}", op.symbol()),
        }
    }
    fn relop(&self, op: RelOp) -> &'static str {
        match op {
            RelOp::Le | RelOp::Lt => "\\le",
            RelOp::Ge | RelOp::Gt => "\\ge",
            RelOp::Eq => "=",
        }
    }
    fn paren(&self, a: String) -> String {
        format!("\\left({a}\\right)")
    }
    fn not(&self, a: String) -> String {
        format!("\\lnot {a}")
    }
    fn sum(&self, over: String, body: String) -> String {
        format!("\\sum_{{{over}}} {body}")
    }
    fn reduce(&self, op: ReduceOp, over: String, body: String) -> Out {
        Ok(match op {
            ReduceOp::Max => format!("\\max_{{{over}}} {body}"),
            ReduceOp::Min => format!("\\min_{{{over}}} {body}"),
            ReduceOp::Count => format!("\\#\\left\\{{{over} : {body}\\right\\}}"),
        })
    }
    fn cond(&self, c: String, a: String, b: String) -> String {
        format!("\\begin{{cases}} {a} & \\text{{if }} {c} \\\\ {b} & \\text{{otherwise}} \\end{{cases}}")
    }
    fn member(&self, items: Vec<String>, set: String) -> String {
        format!("{} \\in {set}", one_or_tuple(&items, ","))
    }
    fn set(&self, _: &Scope, name: &str) -> String {
        ident(name)
    }
    fn range(&self, lo: String, hi: String) -> String {
        format!("\\{{{lo},\\dots,{hi}\\}}")
    }
    fn binding(&self, names: &[String], set: String) -> String {
        let names: Vec<String> = names.iter().map(|n| ident(n)).collect();
        if names.is_empty() {
            set
        } else {
            format!("{} \\in {set}", one_or_tuple(&names, ","))
        }
    }
    fn indexing(&self, bindings: Vec<String>, filter: Option<String>) -> String {
        let b = bindings.join(",\\, ");
        match filter {
            Some(f) => format!("{b} : {f}"),
            None => b,
        }
    }
    fn braces(&self) -> bool {
        true
    }
}
