//! Voting over independent samples: equal verified objectives (relative tolerance) form a
//! cluster, as do equal terminal statuses; the largest cluster wins, ties go to a verified
//! optimum, then infeasible, then unbounded, then the earliest sample.

use serde::Serialize;

use super::evaluate::Verdict;
use super::Sample;
use crate::solve::Status;

/// Relative tolerance within which two objectives are the same answer.
pub const AGREE: f64 = 1e-6;

#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// None when no sample produced a usable formulation.
    pub status: Option<Status>,
    pub objective: Option<f64>,
    pub variables: Vec<(String, f64)>,
    /// HiGHS's relative MIP gap of the reported optimum (MIPs only).
    pub mip_gap: Option<f64>,
    /// Samples in the winning cluster, of all samples.
    pub agreement: (usize, usize),
    /// The sample whose formulation is reported.
    pub sample: Option<u32>,
}

#[derive(Clone, Copy, PartialEq)]
enum Key {
    Value(f64),
    Status(Status),
}

fn same(a: Key, b: Key) -> bool {
    match (a, b) {
        (Key::Value(x), Key::Value(y)) => (x - y).abs() <= AGREE * y.abs().max(1.0),
        (Key::Status(x), Key::Status(y)) => x == y,
        _ => false,
    }
}

fn rank(k: Key) -> u8 {
    match k {
        Key::Value(_) => 0,
        Key::Status(Status::Infeasible) => 1,
        Key::Status(_) => 2,
    }
}

pub fn vote(samples: &[Sample]) -> Answer {
    let keys: Vec<Option<Key>> = samples
        .iter()
        .map(|s| match &s.verdict {
            Verdict::Solved { objective, .. } => Some(Key::Value(*objective)),
            Verdict::Terminal { status, .. } => Some(Key::Status(*status)),
            Verdict::Failed { .. } | Verdict::Checked => None,
        })
        .collect();
    // (size, rank, first sample) of each candidate cluster, represented by its first member.
    let best = keys
        .iter()
        .enumerate()
        .filter_map(|(i, k)| k.map(|k| (i, k)))
        .map(|(i, k)| (keys.iter().flatten().filter(|&&o| same(k, o)).count(), rank(k), i))
        .min_by_key(|&(size, rank, i)| (std::cmp::Reverse(size), rank, i));
    let Some((size, _, i)) = best else {
        return Answer {
            status: None,
            objective: None,
            variables: Vec::new(),
            mip_gap: None,
            agreement: (0, samples.len()),
            sample: None,
        };
    };
    let (status, objective, variables, mip_gap) = match &samples[i].verdict {
        Verdict::Solved { objective, variables, mip_gap } => {
            (Status::Optimal, Some(*objective), variables.clone(), *mip_gap)
        }
        Verdict::Terminal { status, .. } => (*status, None, Vec::new(), None),
        Verdict::Failed { .. } | Verdict::Checked => unreachable!("failed and merely checked samples form no cluster"),
    };
    Answer {
        status: Some(status),
        objective,
        variables,
        mip_gap,
        agreement: (size, samples.len()),
        sample: Some(samples[i].index),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solved(index: u32, objective: f64) -> Sample {
        Sample {
            index,
            verdict: Verdict::Solved { objective, variables: vec![], mip_gap: None },
            formulation: None,
            rounds: 1,
        }
    }
    fn terminal(index: u32, status: Status) -> Sample {
        Sample { index, verdict: Verdict::Terminal { status, detail: String::new() }, formulation: None, rounds: 4 }
    }
    fn failed(index: u32) -> Sample {
        let verdict = Verdict::Failed { class: "check", summary: String::new(), details: String::new() };
        Sample { index, verdict, formulation: None, rounds: 4 }
    }

    #[test]
    fn the_largest_cluster_wins_within_tolerance() {
        let a =
            vote(&[solved(0, 100.0), solved(1, 120.0), solved(2, 120.0 * (1.0 + 1e-9)), failed(3), solved(4, 100.5)]);
        assert_eq!((a.objective, a.agreement, a.sample), (Some(120.0), (2, 5), Some(1)));
    }

    #[test]
    fn ties_prefer_an_optimum_then_infeasible_then_the_earliest() {
        let a = vote(&[terminal(0, Status::Infeasible), solved(1, 7.0)]);
        assert_eq!((a.status, a.objective, a.agreement), (Some(Status::Optimal), Some(7.0), (1, 2)));
        let a = vote(&[terminal(0, Status::Unbounded), terminal(1, Status::Infeasible)]);
        assert_eq!(a.status, Some(Status::Infeasible));
        let a = vote(&[solved(0, 1.0), solved(1, 2.0)]);
        assert_eq!(a.sample, Some(0));
        let a = vote(&[terminal(0, Status::Infeasible), terminal(1, Status::Infeasible), solved(2, 3.0)]);
        assert_eq!((a.status, a.agreement), (Some(Status::Infeasible), (2, 3)));
    }

    #[test]
    fn no_usable_sample_gives_no_answer() {
        let a = vote(&[failed(0), failed(1)]);
        assert_eq!((a.status, a.agreement), (None, (0, 2)));
    }
}
