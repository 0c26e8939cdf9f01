//! Pyomo: components are attributes of the model `m`; sums are Python generators.

use super::escape::{is_identifier, py_attr, py_ident, py_str};
use super::translate::{one_or_tuple, tr, Kind, Out, Scope, Target};
use super::Unsupported;
use crate::expr::{BinOp, Expr, ExprKind, RelOp};

pub struct Pyomo;

impl Target for Pyomo {
    fn string(&self, s: &str) -> String {
        py_str(s)
    }
    fn ident(&self, name: &str) -> String {
        py_attr(name)
    }
    fn dummy(&self, name: &str) -> String {
        py_ident(name)
    }
    fn infinity(&self) -> String {
        "float('inf')".into()
    }
    fn name(&self, scope: &Scope, name: &str) -> String {
        if !scope.is_dummy(name) && scope.kinds.contains_key(name) {
            format!("m.{}", py_attr(name))
        } else {
            py_ident(name)
        }
    }
    fn index(&self, _: &Scope, name: &str, args: Vec<String>) -> String {
        format!("m.{}[{}]", py_attr(name), args.join(", "))
    }
    fn call(&self, scope: &mut Scope, func: &str, args: &[Expr]) -> Out {
        let arg = match args {
            [Expr { kind: ExprKind::Name(n), .. }] => n.as_str(),
            _ => "",
        };
        let set_of = |scope: &Scope| -> Result<String, Unsupported> {
            scope.set_of(arg).map(py_attr).ok_or_else(|| Unsupported::new(format!("`{func}` of an index over a range")))
        };
        if !is_identifier(func) {
            return Err(Unsupported::new(format!("the function name `{}`", func.escape_debug())));
        }
        Ok(match func {
            "card" => format!("len(m.{})", py_attr(arg)),
            "first" | "last" => format!("m.{}.{func}()", py_attr(arg)),
            "ord" => format!("m.{}.ord({})", set_of(scope)?, py_ident(arg)),
            "prev" | "next" => format!("m.{}.{func}({})", set_of(scope)?, py_ident(arg)),
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
        let d = py_ident(dummy);
        Ok(match scope.set_of(dummy) {
            Some(set) if !scope.facts(set).integer => {
                let set = py_attr(set);
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
        format!("m.{}", py_attr(name))
    }
    fn range(&self, lo: String, hi: String) -> String {
        format!("range(int({lo}), int({hi}) + 1)")
    }
    fn binding(&self, names: &[String], set: String) -> String {
        let names: Vec<String> = names.iter().map(|n| py_ident(n)).collect();
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
