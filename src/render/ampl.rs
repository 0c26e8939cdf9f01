//! GNU MathProg (the AMPL subset `glpsol --math` runs).

use super::escape::{is_identifier, mathprog_ident, mathprog_str};
use super::translate::{one_or_tuple, Out, Scope, Target};
use super::Unsupported;
use crate::expr::{BinOp, Expr, ExprKind, RelOp};

pub struct Ampl;

fn name_arg(args: &[Expr]) -> Option<&str> {
    match args {
        [Expr { kind: ExprKind::Name(n), .. }] => Some(n),
        _ => None,
    }
}

impl Target for Ampl {
    fn string(&self, s: &str) -> String {
        mathprog_str(s)
    }
    fn ident(&self, name: &str) -> String {
        mathprog_ident(name)
    }
    fn dummy(&self, name: &str) -> String {
        mathprog_ident(name)
    }
    fn infinity(&self) -> String {
        "Infinity".into()
    }
    fn name(&self, _: &Scope, name: &str) -> String {
        mathprog_ident(name)
    }
    fn index(&self, _: &Scope, name: &str, args: Vec<String>) -> String {
        format!("{}[{}]", mathprog_ident(name), args.join(","))
    }
    fn call(&self, scope: &mut Scope, func: &str, args: &[Expr]) -> Out {
        if !is_identifier(func) {
            return Err(Unsupported::new(format!("the function name `{}`", func.escape_debug())));
        }
        let raw = name_arg(args).unwrap_or_default();
        let arg = mathprog_ident(raw);
        match func {
            "card" => Ok(format!("card({arg})")),
            "first" | "last" if scope.facts(raw).integer => {
                Ok(format!("({}{{z__ in {arg}}} z__)", if func == "first" { "min" } else { "max" }))
            }
            // Positional stepping is `t-1` only where the integers have no gaps.
            "prev" | "next" if scope.set_of(raw).is_some_and(|s| scope.facts(s).contiguous) => {
                self.shift(scope, raw, if func == "prev" { -1 } else { 1 })
            }
            "ord" | "first" | "last" | "prev" | "next" => Err(Unsupported::new(format!(
                "`{func}` on the symbolic set `{}` (MathProg sets are unordered)",
                scope.set_of(raw).unwrap_or(raw)
            ))),
            _ => {
                let args = args.iter().map(|a| super::translate::tr(self, scope, a)).collect::<Result<Vec<_>, _>>()?;
                Ok(format!("{func}({})", args.join(", ")))
            }
        }
    }
    fn shift(&self, scope: &Scope, dummy: &str, by: i64) -> Out {
        let set = scope.set_of(dummy);
        let facts =
            set.map(|s| scope.facts(s)).unwrap_or(super::translate::SetFacts { integer: true, contiguous: true });
        if facts.integer {
            let dummy = mathprog_ident(dummy);
            Ok(if by < 0 { format!("{dummy}-{}", -by) } else { format!("{dummy}+{by}") })
        } else {
            Err(Unsupported::new(format!(
                "stepping through the symbolic set `{}` (`prev`, `t-1`): MathProg sets are unordered",
                set.unwrap_or("?")
            )))
        }
    }
    fn binary(&self, op: BinOp, l: String, r: String) -> String {
        match op {
            BinOp::Mul | BinOp::Div | BinOp::Pow => format!("{l}{}{r}", op.symbol()),
            _ => format!("{l} {} {r}", op.symbol()),
        }
    }
    fn relop(&self, op: RelOp) -> &'static str {
        match op {
            RelOp::Le | RelOp::Lt => "<=",
            RelOp::Ge | RelOp::Gt => ">=",
            RelOp::Eq => "=",
        }
    }
    fn not(&self, a: String) -> String {
        format!("not {a}")
    }
    fn sum(&self, over: String, body: String) -> String {
        format!("sum{{{over}}} {body}")
    }
    fn cond(&self, c: String, a: String, b: String) -> String {
        format!("if {c} then {a} else {b}")
    }
    fn member(&self, items: Vec<String>, set: String) -> String {
        format!("{} in {set}", one_or_tuple(&items, ","))
    }
    fn set(&self, _: &Scope, name: &str) -> String {
        mathprog_ident(name)
    }
    fn range(&self, lo: String, hi: String) -> String {
        format!("{lo}..{hi}")
    }
    fn binding(&self, names: &[String], set: String) -> String {
        if names.is_empty() {
            set
        } else {
            let names: Vec<String> = names.iter().map(|n| mathprog_ident(n)).collect();
            format!("{} in {set}", one_or_tuple(&names, ","))
        }
    }
    fn indexing(&self, bindings: Vec<String>, filter: Option<String>) -> String {
        let b = bindings.join(", ");
        match filter {
            Some(f) => format!("{b}: {f}"),
            None => b,
        }
    }
}
