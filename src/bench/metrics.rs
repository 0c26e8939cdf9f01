//! Per-dataset metrics from `results.jsonl`, the report, JUnit XML, and the baseline gate.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::dataset::Expected;
use super::score::Rule;

/// One finished problem, as written to `results.jsonl`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResultLine {
    pub dataset: String,
    pub id: String,
    pub expected: Expected,
    pub status: Option<String>,
    pub objective: Option<f64>,
    pub correct: bool,
    /// Under the looser ±5 %-after-rounding rule; never true for a relaxation-looking answer.
    pub paper_correct: bool,
    /// `solved`, `no-json`, `check`, `solver-status`, `wrong-objective`, `relaxation`, `timeout`, `llm-error`.
    pub class: String,
    /// LLM rounds of the winning sample (1 = no repair).
    pub rounds: u32,
    /// Whether the answer was already correct before any repair (first round of the first sample).
    pub correct_without_repair: bool,
    pub agreement: (usize, usize),
    /// Correctness of each sample's own answer (pass@1 when sampling).
    pub samples_correct: Vec<bool>,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub llm_seconds: f64,
    pub seconds: f64,
    pub cost: Option<f64>,
    pub rule: Rule,
    /// Why a problem failed, in words: the endpoint's error, the timeout, or the last round's
    /// check, solver or verification message. Absent on correct lines (and in older runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// With `--labels`: the dataset's own label, and whether the answer matches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_label: Option<Expected>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct_by_dataset_label: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DatasetMetrics {
    pub problems: usize,
    pub labelled: usize,
    pub correct: usize,
    /// Solving accuracy: correct / labelled.
    pub accuracy: f64,
    /// Execution rate: problems whose answer was a verified solve or a clean infeasible/unbounded.
    pub execution_rate: f64,
    /// Average LLM rounds per problem.
    pub average_rounds: f64,
    /// Accuracy had the loop stopped after 0, 1, 2, … repair rounds.
    pub accuracy_by_repairs: Vec<f64>,
    pub accuracy_without_repair: f64,
    pub paper_compatible_accuracy: f64,
    /// With `--labels`: the accuracy against the dataset's own labels, beside `accuracy`
    /// (against the corrected ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_by_dataset_labels: Option<f64>,
    /// Mean over samples of each sample's own correctness (equals accuracy with one sample).
    pub pass_at_1: f64,
    pub failures: BTreeMap<String, usize>,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub cost: Option<f64>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

pub fn metrics(lines: &[ResultLine], max_repairs: u32) -> BTreeMap<String, DatasetMetrics> {
    let mut by: BTreeMap<String, Vec<&ResultLine>> = BTreeMap::new();
    for l in lines {
        by.entry(l.dataset.clone()).or_default().push(l);
    }
    by.into_iter()
        .map(|(name, ls)| {
            let labelled: Vec<&&ResultLine> = ls.iter().filter(|l| l.expected != Expected::Unknown).collect();
            let correct = labelled.iter().filter(|l| l.correct).count();
            let executed = ls
                .iter()
                .filter(|l| matches!(l.status.as_deref(), Some("optimal" | "infeasible" | "unbounded")))
                .count();
            let mut failures = BTreeMap::new();
            for l in ls.iter().filter(|l| !l.correct) {
                *failures.entry(l.class.clone()).or_insert(0) += 1;
            }
            let by_repairs = (0..=max_repairs)
                .map(|r| ratio(labelled.iter().filter(|l| l.correct && l.rounds <= r + 1).count(), labelled.len()))
                .collect();
            let samples: Vec<bool> = labelled.iter().flat_map(|l| l.samples_correct.iter().copied()).collect();
            let costs: Vec<f64> = ls.iter().filter_map(|l| l.cost).collect();
            // Lines whose label was corrected carry the dataset's own; the others kept it.
            let by_dataset_labels = ls.iter().any(|l| l.dataset_label.is_some()).then(|| {
                let own: Vec<&&ResultLine> =
                    ls.iter().filter(|l| l.dataset_label.unwrap_or(l.expected) != Expected::Unknown).collect();
                ratio(own.iter().filter(|l| l.correct_by_dataset_label.unwrap_or(l.correct)).count(), own.len())
            });
            let m = DatasetMetrics {
                problems: ls.len(),
                labelled: labelled.len(),
                correct,
                accuracy: ratio(correct, labelled.len()),
                execution_rate: ratio(executed, ls.len()),
                average_rounds: ls.iter().map(|l| f64::from(l.rounds)).sum::<f64>() / ls.len().max(1) as f64,
                accuracy_by_repairs: by_repairs,
                accuracy_without_repair: ratio(
                    labelled.iter().filter(|l| l.correct_without_repair).count(),
                    labelled.len(),
                ),
                paper_compatible_accuracy: ratio(labelled.iter().filter(|l| l.paper_correct).count(), labelled.len()),
                accuracy_by_dataset_labels: by_dataset_labels,
                pass_at_1: ratio(samples.iter().filter(|c| **c).count(), samples.len()),
                failures,
                prompt_tokens: ls.iter().map(|l| l.prompt_tokens).sum(),
                completion_tokens: ls.iter().map(|l| l.completion_tokens).sum(),
                cost: (!costs.is_empty()).then(|| costs.iter().sum()),
            };
            (name, m)
        })
        .collect()
}

/// The per-dataset table, in Markdown.
pub fn table(m: &BTreeMap<String, DatasetMetrics>) -> String {
    let mut s = String::from(
        "| dataset | problems | accuracy (SA) | without repair | execution rate (ER) | avg rounds (AST) | paper-compatible ±5 % | tokens (prompt + completion) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (name, d) in m {
        let _ = writeln!(
            s,
            "| {name} | {} | {:.1} % ({}/{}) | {:.1} % | {:.1} % | {:.2} | {:.1} % | {} + {} |",
            d.problems,
            100.0 * d.accuracy,
            d.correct,
            d.labelled,
            100.0 * d.accuracy_without_repair,
            100.0 * d.execution_rate,
            d.average_rounds,
            100.0 * d.paper_compatible_accuracy,
            d.prompt_tokens,
            d.completion_tokens
        );
    }
    s
}

/// Header facts a report carries so that its numbers can be reproduced.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub optform_version: String,
    pub model: String,
    pub base_url: String,
    pub prompts_sha256: String,
    pub datasets: BTreeMap<String, String>,
    pub rules: BTreeMap<String, Rule>,
    pub samples: u32,
    pub max_repairs: u32,
    /// The accuracy components that ran (`Engine` as JSON); empty in reports made before it.
    #[serde(default)]
    pub engine: String,
}

pub fn report(header: &Header, m: &BTreeMap<String, DatasetMetrics>, lines: &[ResultLine]) -> String {
    let mut s = String::from("# optform bench report\n\n");
    let _ = writeln!(s, "- optform {} · model `{}` at {}", header.optform_version, header.model, header.base_url);
    let _ = writeln!(s, "- prompts sha256 `{}`", header.prompts_sha256);
    let _ = writeln!(s, "- samples per problem: {} · repair rounds: up to {}", header.samples, header.max_repairs);
    if !header.engine.is_empty() {
        let _ = writeln!(s, "- engine: `{}`", header.engine);
    }
    for (name, sha) in &header.datasets {
        let rule = header.rules.get(name).map(Rule::describe).unwrap_or_default();
        let _ = writeln!(s, "- `{name}` sha256 `{sha}`: {rule}");
    }
    let _ = writeln!(s, "\n## Results\n\n{}", table(m));
    if header.samples > 1 {
        let _ = writeln!(s, "With {} samples per problem, accuracy is majority@{}: the voted answer. pass@1 (the mean accuracy of single samples):\n", header.samples, header.samples);
        for (name, d) in m {
            let _ = writeln!(s, "- {name}: pass@1 {:.1} %", 100.0 * d.pass_at_1);
        }
        s.push('\n');
    }
    let corrected: Vec<(&String, f64, f64)> =
        m.iter().filter_map(|(n, d)| d.accuracy_by_dataset_labels.map(|own| (n, d.accuracy, own))).collect();
    if !corrected.is_empty() {
        let _ = writeln!(
            s,
            "Some labels were replaced by corrected ones (`--labels`). Accuracy is against the corrected labels; beside it, against the dataset's own:\n\n| dataset | corrected labels | dataset labels |\n|---|---:|---:|"
        );
        for (name, fixed, own) in corrected {
            let _ = writeln!(s, "| {name} | {:.1} % | {:.1} % |", 100.0 * fixed, 100.0 * own);
        }
        s.push('\n');
    }
    let _ = writeln!(s, "\"paper-compatible\" is the looser rule some papers report (both values rounded to 2 decimals, within 5 %); it is shown for comparison only and never replaces the strict accuracy.\n");
    let _ = writeln!(
        s,
        "## Accuracy after each repair round\n\n| dataset | {} |\n|---|{}",
        (0..m.values().map(|d| d.accuracy_by_repairs.len()).max().unwrap_or(1))
            .map(|r| format!("{r} repairs"))
            .collect::<Vec<_>>()
            .join(" | "),
        "---:|".repeat(m.values().map(|d| d.accuracy_by_repairs.len()).max().unwrap_or(1))
    );
    for (name, d) in m {
        let cells: Vec<String> = d.accuracy_by_repairs.iter().map(|a| format!("{:.1} %", 100.0 * a)).collect();
        let _ = writeln!(s, "| {name} | {} |", cells.join(" | "));
    }
    let _ = writeln!(s, "\n## Failures\n\n| dataset | class | count |\n|---|---|---:|");
    for (name, d) in m {
        for (class, n) in &d.failures {
            let _ = writeln!(s, "| {name} | {class} | {n} |");
        }
    }
    let wrong: Vec<&ResultLine> = lines.iter().filter(|l| !l.correct).take(50).collect();
    if !wrong.is_empty() {
        let _ = writeln!(s, "\n## Incorrect problems (first 50)\n\n| dataset | id | expected | predicted | class |\n|---|---|---|---|---|");
        for l in wrong {
            let expected = match l.expected {
                Expected::Objective(v) => crate::solve::pretty(v),
                e => e.to_string(),
            };
            let predicted =
                l.objective.map(crate::solve::pretty).or_else(|| l.status.clone()).unwrap_or_else(|| "—".into());
            let _ = writeln!(s, "| {} | {} | {expected} | {predicted} | {} |", l.dataset, l.id, l.class);
        }
    }
    s
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub fn junit(lines: &[ResultLine]) -> String {
    let mut by: BTreeMap<&str, Vec<&ResultLine>> = BTreeMap::new();
    for l in lines {
        by.entry(&l.dataset).or_default().push(l);
    }
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"optform bench\">\n");
    for (name, ls) in by {
        let failures = ls.iter().filter(|l| !l.correct).count();
        let _ = writeln!(s, "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\">", xml(name), ls.len());
        for l in ls {
            let _ = write!(
                s,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                xml(name),
                xml(&l.id),
                l.seconds
            );
            if l.correct {
                s.push_str("/>\n");
            } else {
                let got = match (l.status.as_deref(), l.objective) {
                    (Some(status), Some(v)) => format!("{status}, objective {}", crate::solve::pretty(v)),
                    (Some(status), None) => status.to_string(),
                    (None, _) => "no answer".to_string(),
                };
                let msg = format!("{}: expected {}, got {got}", l.class, l.expected);
                let _ = writeln!(s, ">\n      <failure message=\"{}\"/>\n    </testcase>", xml(&msg));
            }
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str("</testsuites>\n");
    s
}

/// A recorded baseline: accuracy and the correct ids per dataset.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Baseline {
    pub datasets: BTreeMap<String, BaselineEntry>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub accuracy: f64,
    pub correct_ids: BTreeSet<String>,
    pub problems: usize,
}

pub fn baseline_of(lines: &[ResultLine], m: &BTreeMap<String, DatasetMetrics>) -> Baseline {
    Baseline {
        datasets: m
            .iter()
            .map(|(name, d)| {
                let ids = lines.iter().filter(|l| &l.dataset == name && l.correct).map(|l| l.id.clone()).collect();
                (name.clone(), BaselineEntry { accuracy: d.accuracy, correct_ids: ids, problems: d.problems })
            })
            .collect(),
    }
}

/// Differences against a baseline; `regressed` when a dataset's accuracy fell by more than
/// `max_drop` percentage points.
pub struct Comparison {
    pub text: String,
    pub regressed: bool,
}

pub fn compare(
    lines: &[ResultLine],
    m: &BTreeMap<String, DatasetMetrics>,
    base: &Baseline,
    max_drop: f64,
) -> Comparison {
    let mut text = String::new();
    let mut regressed = false;
    for (name, d) in m {
        let Some(b) = base.datasets.get(name) else {
            let _ = writeln!(text, "{name}: not in the baseline");
            continue;
        };
        let now: BTreeSet<String> =
            lines.iter().filter(|l| &l.dataset == name && l.correct).map(|l| l.id.clone()).collect();
        let newly_failing: Vec<&String> = b.correct_ids.difference(&now).collect();
        let newly_passing: Vec<&String> = now.difference(&b.correct_ids).collect();
        let drop = 100.0 * (b.accuracy - d.accuracy);
        // `+ 0.0` turns a negative zero into zero, so no change reads "+0.0 pts".
        let change = -drop + 0.0;
        let _ = writeln!(
            text,
            "{name}: {:.1} % (baseline {:.1} %, {change:+.1} pts); newly failing: {}; newly passing: {}",
            100.0 * d.accuracy,
            100.0 * b.accuracy,
            if newly_failing.is_empty() {
                "none".to_string()
            } else {
                newly_failing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            },
            if newly_passing.is_empty() {
                "none".to_string()
            } else {
                newly_passing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            },
        );
        if drop > max_drop + 1e-9 {
            regressed = true;
            let _ = writeln!(text, "  REGRESSION: accuracy fell by {drop:.1} points (allowed {max_drop})");
        }
    }
    Comparison { text, regressed }
}
