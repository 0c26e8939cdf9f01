//! A small safe wrapper over HiGHS's C API (through `highs-sys`).
//!
//! The `highs` crate's builder re-pushes columns one by one and has no objective offset,
//! names or IIS; our compiler already holds the exact arrays `Highs_passModel` takes, so we
//! hand them over in one call.

use std::ffi::{c_char, c_int, c_void, CString};
use std::ptr::null;

use highs_sys::*;

use super::Cancel;
use crate::compile::Compiled;
use crate::model::Sense;

/// One HiGHS instance. Not `Send`: async callers must solve inside `spawn_blocking`.
pub struct Highs {
    ptr: *mut c_void,
    /// The token HiGHS's interrupt callback reads; boxed so its address stays fixed while
    /// HiGHS holds it, and dropped only after the instance.
    interrupt: Option<Box<Cancel>>,
    /// Whether HiGHS's log is wanted (it then goes to stderr, through the callback).
    verbose: bool,
}

impl Drop for Highs {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from `Highs_create` and is destroyed exactly once; the callback
        // data in `interrupt` is dropped after this, when HiGHS can no longer call back.
        unsafe { Highs_destroy(self.ptr) }
    }
}

/// The callback HiGHS polls during simplex, IPM, QP and branch-and-bound: it asks HiGHS to
/// stop once the token is cancelled. It only reads atomics, so HiGHS may call it from any
/// thread, and it cannot panic across the C boundary. With `--verbose` it also receives
/// HiGHS's log lines and writes them to stderr: HiGHS's own console log goes to stdout, which
/// must stay clean for `--json`.
unsafe extern "C" fn interrupt(
    kind: c_int,
    message: *const c_char,
    _data_out: *const HighsCallbackDataOut,
    data_in: *mut HighsCallbackDataIn,
    token: *mut c_void,
) {
    if kind == kHighsCallbackLogging as c_int {
        if !message.is_null() {
            // SAFETY: HiGHS passes a NUL-terminated log line.
            let line = unsafe { std::ffi::CStr::from_ptr(message) };
            use std::io::Write as _;
            let _ = std::io::stderr().write_all(line.to_bytes());
        }
        return;
    }
    if data_in.is_null() || token.is_null() {
        return;
    }
    // SAFETY: `token` is the `Box<Cancel>` registered in `set_interrupt`, alive as long as
    // the instance; `data_in` is HiGHS's input struct for this call.
    unsafe {
        if (*(token as *const Cancel)).is_cancelled() {
            (*data_in).user_interrupt = 1;
        }
    }
}

/// The callback kinds through which HiGHS accepts an interrupt.
const INTERRUPTS: [HighsInt; 4] =
    [kHighsCallbackSimplexInterrupt, kHighsCallbackIpmInterrupt, kHighsCallbackMipInterrupt, kHighsCallbackQpInterrupt];

fn cstr(s: &str) -> CString {
    CString::new(s).expect("option names have no NUL byte")
}

fn ok(status: HighsInt, what: &str) -> Result<(), String> {
    if status == STATUS_ERROR {
        Err(format!("HiGHS rejected {what}"))
    } else {
        Ok(())
    }
}

impl Highs {
    /// An instance that never writes to stdout, which must stay clean for `--json`. With
    /// `verbose`, its log reaches stderr through the callback ([`Highs::set_interrupt`]).
    pub fn new(verbose: bool) -> Highs {
        // SAFETY: plain constructor.
        let h = Highs { ptr: unsafe { Highs_create() }, interrupt: None, verbose };
        h.set_bool("output_flag", verbose).expect("output_flag exists");
        h.set_bool("log_to_console", false).expect("log_to_console exists");
        h
    }

    pub fn set_bool(&self, name: &str, v: bool) -> Result<(), String> {
        // SAFETY: valid instance and NUL-terminated name.
        ok(unsafe { Highs_setBoolOptionValue(self.ptr, cstr(name).as_ptr(), HighsInt::from(v)) }, name)
    }
    pub fn set_int(&self, name: &str, v: i32) -> Result<(), String> {
        // SAFETY: as above.
        ok(unsafe { Highs_setIntOptionValue(self.ptr, cstr(name).as_ptr(), v) }, name)
    }
    pub fn set_double(&self, name: &str, v: f64) -> Result<(), String> {
        // SAFETY: as above.
        ok(unsafe { Highs_setDoubleOptionValue(self.ptr, cstr(name).as_ptr(), v) }, name)
    }
    pub fn set_string(&self, name: &str, v: &str) -> Result<(), String> {
        // SAFETY: as above.
        ok(unsafe { Highs_setStringOptionValue(self.ptr, cstr(name).as_ptr(), cstr(v).as_ptr()) }, name)
    }

    /// Lets `cancel` stop every later run of this instance (and its IIS computation).
    pub fn set_interrupt(&mut self, cancel: Cancel) -> Result<(), String> {
        let token = Box::new(cancel);
        let data = &*token as *const Cancel as *mut c_void;
        self.interrupt = Some(token);
        // SAFETY: valid instance; `data` points into `self.interrupt`, which outlives it.
        ok(unsafe { Highs_setCallback(self.ptr, Some(interrupt), data) }, "the interrupt callback")?;
        for kind in INTERRUPTS {
            // SAFETY: valid instance and a callback kind HiGHS defines.
            ok(unsafe { Highs_startCallback(self.ptr, kind) }, "an interrupt callback kind")?;
        }
        if self.verbose {
            // SAFETY: as above.
            ok(unsafe { Highs_startCallback(self.ptr, kHighsCallbackLogging) }, "the logging callback")?;
        }
        Ok(())
    }

    /// Hands the compiled arrays to HiGHS in one call.
    pub fn pass(&mut self, m: &Compiled) -> Result<(), String> {
        let ncol = i32::try_from(m.num_cols()).map_err(|_| "too many columns for HiGHS")?;
        let nrow = i32::try_from(m.num_rows()).map_err(|_| "too many rows for HiGHS")?;
        let nnz = i32::try_from(m.num_nonzeros()).map_err(|_| "too many non-zeros for HiGHS")?;
        let sense = match m.sense {
            Some(Sense::Maximize) => OBJECTIVE_SENSE_MAXIMIZE,
            _ => OBJECTIVE_SENSE_MINIMIZE,
        };
        let (q_nnz, q_start, q_index, q_value) = match &m.hessian {
            Some(h) if !h.value.is_empty() => {
                (h.value.len() as i32, h.start.as_ptr(), h.index.as_ptr(), h.value.as_ptr())
            }
            _ => (0, null(), null(), null()),
        };
        let integrality = if m.is_mip() { m.integrality.as_ptr() } else { null() };
        // SAFETY: every array has the length HiGHS reads from it (num_col, num_row, nnz,
        // q_nnz; starts have at least num_row / num_col entries) and outlives the call,
        // which copies them.
        let status = unsafe {
            Highs_passModel(
                self.ptr,
                ncol,
                nrow,
                nnz,
                q_nnz,
                MATRIX_FORMAT_ROW_WISE,
                1, // kHighsHessianFormatTriangular
                sense,
                m.offset,
                m.col_cost.as_ptr(),
                m.col_lower.as_ptr(),
                m.col_upper.as_ptr(),
                m.row_lower.as_ptr(),
                m.row_upper.as_ptr(),
                m.row_start.as_ptr(),
                m.row_index.as_ptr(),
                m.row_value.as_ptr(),
                q_start,
                q_index,
                q_value,
                integrality,
            )
        };
        ok(status, "the model")
    }

    pub fn run(&mut self) -> Result<(), String> {
        // SAFETY: valid instance.
        ok(unsafe { Highs_run(self.ptr) }, "the solve")
    }

    pub fn model_status(&self) -> HighsInt {
        // SAFETY: valid instance.
        unsafe { Highs_getModelStatus(self.ptr) }
    }

    pub fn objective_value(&self) -> f64 {
        // SAFETY: valid instance.
        unsafe { Highs_getObjectiveValue(self.ptr) }
    }

    pub fn info_int(&self, name: &str) -> Option<i32> {
        let mut v: HighsInt = 0;
        // SAFETY: valid instance, name and out-pointer.
        let s = unsafe { Highs_getIntInfoValue(self.ptr, cstr(name).as_ptr(), &mut v) };
        (s == STATUS_OK).then_some(v)
    }

    pub fn info_double(&self, name: &str) -> Option<f64> {
        let mut v = 0.0;
        // SAFETY: valid instance, name and out-pointer.
        let s = unsafe { Highs_getDoubleInfoValue(self.ptr, cstr(name).as_ptr(), &mut v) };
        (s == STATUS_OK).then_some(v)
    }

    /// Primal and dual values of the first `ncol` columns and `nrow` rows: (columns, column
    /// duals, row activities, row duals). Rows HiGHS holds beyond `nrow` (a lexicographic
    /// solve's fixing rows) are read and dropped.
    pub fn solution(&self, ncol: usize, nrow: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
        // SAFETY: valid instance.
        let (held_cols, held_rows) = unsafe { (Highs_getNumCol(self.ptr), Highs_getNumRow(self.ptr)) };
        let (held_cols, held_rows) = (ncol.max(held_cols as usize), nrow.max(held_rows as usize));
        let mut x = vec![0.0; held_cols];
        let mut xd = vec![0.0; held_cols];
        let mut r = vec![0.0; held_rows];
        let mut rd = vec![0.0; held_rows];
        // SAFETY: buffers have at least the instance's column and row counts.
        unsafe { Highs_getSolution(self.ptr, x.as_mut_ptr(), xd.as_mut_ptr(), r.as_mut_ptr(), rd.as_mut_ptr()) };
        x.truncate(ncol);
        xd.truncate(ncol);
        r.truncate(nrow);
        rd.truncate(nrow);
        (x, xd, r, rd)
    }

    /// Adds the row `lower <= Σ value·x[index] <= upper`.
    pub fn add_row(&mut self, lower: f64, upper: f64, terms: &[(usize, f64)]) -> Result<(), String> {
        let index: Vec<HighsInt> = terms.iter().map(|&(c, _)| c as HighsInt).collect();
        let value: Vec<f64> = terms.iter().map(|&(_, v)| v).collect();
        let nnz = HighsInt::try_from(terms.len()).map_err(|_| "too many non-zeros for HiGHS")?;
        // SAFETY: valid instance; `index` and `value` have `nnz` entries and outlive the call.
        ok(unsafe { Highs_addRow(self.ptr, lower, upper, nnz, index.as_ptr(), value.as_ptr()) }, "a row")
    }

    /// Replaces the objective: sense, constant, and the costs of the columns in `costs`
    /// (other columns keep theirs).
    pub fn change_objective(&mut self, sense: Sense, offset: f64, costs: &[(usize, f64)]) -> Result<(), String> {
        let sense = if sense == Sense::Maximize { OBJECTIVE_SENSE_MAXIMIZE } else { OBJECTIVE_SENSE_MINIMIZE };
        let index: Vec<HighsInt> = costs.iter().map(|&(c, _)| c as HighsInt).collect();
        let value: Vec<f64> = costs.iter().map(|&(_, v)| v).collect();
        let n = HighsInt::try_from(costs.len()).map_err(|_| "too many columns for HiGHS")?;
        // SAFETY: valid instance; `index` and `value` have `n` entries and outlive the calls.
        unsafe {
            ok(Highs_changeObjectiveSense(self.ptr, sense), "the objective sense")?;
            ok(Highs_changeObjectiveOffset(self.ptr, offset), "the objective offset")?;
            ok(Highs_changeColsCostBySet(self.ptr, n, index.as_ptr(), value.as_ptr()), "the column costs")
        }
    }

    /// A known feasible point for the next MIP solve to start from (one value per column).
    pub fn set_start(&mut self, x: &[f64]) -> Result<(), String> {
        // SAFETY: valid instance.
        if x.len() < unsafe { Highs_getNumCol(self.ptr) } as usize {
            return Err("a starting point shorter than the model".into());
        }
        // SAFETY: valid instance; HiGHS reads its column count of values from `x`, which the
        // caller sized from the same model. The other arrays may be null.
        ok(unsafe { Highs_setSolution(self.ptr, x.as_ptr(), null(), null(), null()) }, "the starting point")
    }

    /// Rows of an irreducible infeasible subsystem (for an LP, or a MIP's relaxation).
    pub fn iis_rows(&mut self, ncol: usize, nrow: usize) -> Option<Vec<usize>> {
        let (mut nc, mut nr): (HighsInt, HighsInt) = (0, 0);
        // Every array is sized for the whole model: an IIS is never larger.
        let mut col_index = vec![0; ncol.max(1)];
        let mut col_bound = vec![0; ncol.max(1)];
        let mut row_index = vec![0; nrow.max(1)];
        let mut row_bound = vec![0; nrow.max(1)];
        // SAFETY: the index and bound buffers have the model's column and row counts. The
        // per-column and per-row status arrays are passed as null (HiGHS then skips them):
        // HiGHS 1.x copies them from IIS vectors it leaves empty for some MIPs, reading past
        // their end (a crash on an infeasible MIP, seen on an IndustryOR staffing model).
        let status = unsafe {
            Highs_getIis(
                self.ptr,
                &mut nc,
                &mut nr,
                col_index.as_mut_ptr(),
                row_index.as_mut_ptr(),
                col_bound.as_mut_ptr(),
                row_bound.as_mut_ptr(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        (status != STATUS_ERROR && nr > 0).then(|| row_index[..nr as usize].iter().map(|&r| r as usize).collect())
    }

    /// Direction along which an unbounded LP's objective improves forever.
    pub fn primal_ray(&self, ncol: usize) -> Option<Vec<f64>> {
        let mut has: HighsInt = 0;
        let mut ray = vec![0.0; ncol.max(1)];
        // SAFETY: the buffer has the model's column count.
        let status = unsafe { Highs_getPrimalRay(self.ptr, &mut has, ray.as_mut_ptr()) };
        (status != STATUS_ERROR && has != 0).then(|| {
            ray.truncate(ncol);
            ray
        })
    }
}
