//! Pyomo: components are attributes of the model `m`; sums are Python generators.

use super::translate::{one_or_tuple, tr, Kind, Out, Scope, Target};
use super::Unsupported;
use crate::expr::{BinOp, Expr, ExprKind, RelOp};

pub struct Pyomo;

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "m", "pyo", "math",
];

/// An index name as a Python identifier (keywords and our own names get a `_`).
pub fn ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

impl Target for Pyomo {
    fn string(&self, s: &str) -> String {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    }
    fn infinity(&self) -> String {
        "float('inf')".into()
    }
    fn name(&self, scope: &Scope, name: &str) -> String {
        if !scope.is_dummy(name) && scope.kinds.contains_key(name) {
            format!("m.{name}")
        } else {
            ident(name)
        }
    }
    fn index(&self, _: &Scope, name: &str, args: Vec<String>) -> String {
        format!("m.{name}[{}]", args.join(", "))
    }
    fn call(&self, scope: &mut Scope, func: &str, args: &[Expr]) -> Out {
        let arg = match args {
            [Expr { kind: ExprKind::Name(n), .. }] => n.as_str(),
            _ => "",
        };
        let set_of = |scope: &Scope| -> Result<String, Unsupported> {
            scope
                .set_of(arg)
                .map(String::from)
                .ok_or_else(|| Unsupported::new(format!("`{func}` of an index over a range")))
        };
        Ok(match func {
            "card" => format!("len(m.{arg})"),
            "first" | "last" => format!("m.{arg}.{func}()"),
            "ord" => format!("m.{}.ord({})", set_of(scope)?, ident(arg)),
            "prev" | "next" => format!("m.{}.{func}({})", set_of(scope)?, ident(arg)),
            _ => {
                let args = args.iter().map(|a| tr(self, scope, a)).collect::<Result<Vec<_>, _>>()?;
                let f = match func {
                    "sqrt" | "exp" | "log" | "floor" | "ceil" => format!("math.{func}"),
                    other => other.to_string(),
                };
                format!("{f}({})", args.join(", "))
            }
        })
    }
    fn shift(&self, scope: &Scope, dummy: &str, by: i64) -> Out {
        let d = ident(dummy);
        Ok(match scope.set_of(dummy) {
            Some(set) if !scope.facts(set).integer => {
                let (f, k) = if by < 0 { ("prev", -by) } else { ("next", by) };
                if k == 1 {
                    format!("m.{set}.{f}({d})")
                } else {
                    format!("m.{set}.{f}({d}, {k})")
                }
            }
            _ if by < 0 => format!("{d} - {}", -by),
            _ => format!("{d} + {by}"),
        })
    }
    fn binary(&self, op: BinOp, l: String, r: String) -> String {
        match op {
            BinOp::Pow => format!("{l}**{r}"),
            BinOp::Mul | BinOp::Div => format!("{l}{}{r}", op.symbol()),
            _ => format!("{l} {} {r}", op.symbol()),
        }
    }
    fn relop(&self, op: RelOp) -> &'static str {
        match op {
            RelOp::Le | RelOp::Lt => "<=",
            RelOp::Ge | RelOp::Gt => ">=",
            RelOp::Eq => "==",
        }
    }
    fn not(&self, a: String) -> String {
        format!("not {a}")
    }
    fn sum(&self, over: String, body: String) -> String {
        format!("sum({body} {over})")
    }
    fn cond(&self, c: String, a: String, b: String) -> String {
        format!("({a} if {c} else {b})")
    }
    fn member(&self, items: Vec<String>, set: String) -> String {
        format!("{} in {set}", one_or_tuple(&items, ", "))
    }
    fn set(&self, scope: &Scope, name: &str) -> String {
        debug_assert!(scope.kinds.get(name) == Some(&Kind::Set));
        format!("m.{name}")
    }
    fn range(&self, lo: String, hi: String) -> String {
        format!("range(int({lo}), int({hi}) + 1)")
    }
    fn binding(&self, names: &[String], set: String) -> String {
        let names: Vec<String> = names.iter().map(|n| ident(n)).collect();
        format!("for {} in {set}", one_or_tuple(&names, ", "))
    }
    fn indexing(&self, bindings: Vec<String>, filter: Option<String>) -> String {
        let b = bindings.join(" ");
        match filter {
            Some(f) => format!("{b} if {f}"),
            None => b,
        }
    }
}
