//! Convexity of a quadratic objective: HiGHS solves convex QPs only and does not check, so a
//! non-convex objective would come back as a wrong "optimum". We check before solving.

use super::Hessian;
use crate::model::{Code, Diagnostic, Model, Sense};

/// Dense check up to this many variables in the quadratic part (n³/3 flops: ~1 s at 2000).
const DENSE_LIMIT: usize = 2000;

pub fn check(model: &Model, h: &Hessian, sense: Sense) -> Result<(), Diagnostic> {
    let sign = if sense == Sense::Minimize { 1.0 } else { -1.0 };
    // Columns that appear in Q, densely renumbered.
    let n_cols = h.start.len();
    let mut involved = vec![usize::MAX; n_cols];
    let mut cols = Vec::new();
    for c in 0..n_cols {
        let (s, e) = (h.start[c] as usize, h.start.get(c + 1).map_or(h.index.len(), |&x| x as usize));
        for k in s..e {
            for v in [c, h.index[k] as usize] {
                if involved[v] == usize::MAX {
                    involved[v] = cols.len();
                    cols.push(v);
                }
            }
        }
    }
    let n = cols.len();
    let obj = &model.objective.expr;
    let want =
        if sense == Sense::Minimize { "convex (positive semidefinite)" } else { "concave (negative semidefinite)" };
    if n > DENSE_LIMIT {
        // Too large for a dense factorization: a negative diagonal is still a certain failure.
        for c in 0..n_cols {
            let (s, e) = (h.start[c] as usize, h.start.get(c + 1).map_or(h.index.len(), |&x| x as usize));
            for k in s..e {
                if h.index[k] as usize == c && sign * h.value[k] < 0.0 {
                    return Err(not_convex(model, obj, c, want));
                }
            }
        }
        return Ok(());
    }
    let mut a = vec![0.0; n * n];
    for c in 0..n_cols {
        let (s, e) = (h.start[c] as usize, h.start.get(c + 1).map_or(h.index.len(), |&x| x as usize));
        for k in s..e {
            let (i, j) = (involved[h.index[k] as usize], involved[c]);
            a[i * n + j] = sign * h.value[k];
            a[j * n + i] = sign * h.value[k];
        }
    }
    match first_negative_pivot(&mut a, n) {
        None => Ok(()),
        Some(k) => Err(not_convex(model, obj, cols[k], want)),
    }
}

fn not_convex(model: &Model, obj: &crate::model::Located<crate::model::ir::Num>, col: usize, want: &str) -> Diagnostic {
    let sense = if model.objective.sense == Sense::Minimize { "minimized" } else { "maximized" };
    Diagnostic::error(
        Code::NonConvex,
        &obj.path,
        format!(
            "the quadratic objective is not {want}, so it cannot be {sense} reliably (first detected at `{}`)",
            model.col_name(col)
        ),
    )
    .help("HiGHS solves convex QPs only: minimize sums of squares / PSD forms, or maximize their negatives")
}

/// Semidefinite Cholesky (LDLᵀ without pivoting, on the lower triangle; zero pivots are
/// allowed when their column is zero too). Returns the index of the first pivot that proves the matrix indefinite.
fn first_negative_pivot(a: &mut [f64], n: usize) -> Option<usize> {
    let scale = a.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1.0);
    let tol = 1e-9 * scale;
    for k in 0..n {
        let d = a[k * n + k];
        if d < -tol {
            return Some(k);
        }
        if d <= tol {
            // A zero pivot: the rest of its column must vanish, or the matrix is indefinite.
            if (k + 1..n).any(|i| a[i * n + k].abs() > tol.sqrt() * scale.sqrt()) {
                return Some(k);
            }
            continue;
        }
        for i in k + 1..n {
            let l = a[i * n + k] / d;
            if l == 0.0 {
                continue;
            }
            for j in k + 1..=i {
                a[i * n + j] -= l * a[j * n + k];
            }
        }
    }
    None
}
