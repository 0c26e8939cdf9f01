//! The worked-example library (`prompts/library/*.json`, written by us and checked against an
//! independent solver) and its retrieval: the k problems most like the one asked, by BM25 over
//! their words, become the few-shot examples of the request. No network, no embeddings.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

include!(concat!(env!("OUT_DIR"), "/library.rs"));

/// One worked example.
#[derive(Debug, Clone, Deserialize)]
pub struct Example {
    #[serde(skip)]
    pub id: String,
    pub archetype: String,
    pub problem: String,
    pub formulation: Value,
    pub status: String,
    pub optimum: Option<f64>,
}

impl Example {
    /// The formulation as the model should write it: one line, with a space after each `:`
    /// and `,` as in the system prompt's own examples (a small model copies the layout).
    pub fn answer(&self) -> String {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, Spaced);
        serde::Serialize::serialize(&self.formulation, &mut ser).expect("a JSON value serializes");
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }
}

/// JSON on one line with `", "` and `": "` between items.
struct Spaced;

impl serde_json::ser::Formatter for Spaced {
    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
}

/// The library, parsed once; a file that does not parse is a build mistake caught by the tests.
pub fn examples() -> &'static [Example] {
    static ALL: OnceLock<Vec<Example>> = OnceLock::new();
    ALL.get_or_init(|| {
        LIBRARY
            .iter()
            .filter_map(|(id, text)| {
                let mut e: Example = serde_json::from_str(text).ok()?;
                e.id = id.to_string();
                Some(e)
            })
            .collect()
    })
}

/// Words that say nothing about the kind of problem.
const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "each", "for", "from", "has", "have", "how", "if", "in",
    "is", "it", "its", "many", "much", "of", "on", "or", "per", "should", "that", "the", "their", "there", "they",
    "this", "to", "what", "which", "will", "with", "would", "must", "least", "most", "he", "she", "we", "you", "his",
    "her", "our", "your", "also", "does", "do", "make", "maximize", "minimize", "number",
];

/// Lowercase words without stop words or digits, with a plural `s` cut.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.len() > 1)
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()))
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.len() > 3 && !stem.ends_with('s') => stem.to_string(),
            _ => w,
        })
        .collect()
}

/// BM25 over the library's problem texts.
struct Index {
    docs: Vec<HashMap<String, f64>>,
    lengths: Vec<f64>,
    average: f64,
    document_frequency: HashMap<String, f64>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut docs = Vec::new();
        let mut document_frequency: HashMap<String, f64> = HashMap::new();
        for e in examples() {
            let mut tf: HashMap<String, f64> = HashMap::new();
            for w in words(&e.problem) {
                *tf.entry(w).or_default() += 1.0;
            }
            for w in tf.keys() {
                *document_frequency.entry(w.clone()).or_default() += 1.0;
            }
            docs.push(tf);
        }
        let lengths: Vec<f64> = docs.iter().map(|d| d.values().sum()).collect();
        let average = lengths.iter().sum::<f64>() / lengths.len().max(1) as f64;
        Index { docs, lengths, average, document_frequency }
    })
}

const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The `k` library examples most similar to `problem`, best first. An example whose text is
/// the problem itself is skipped, so the library can be evaluated leave-one-out.
pub fn nearest(problem: &str, k: usize) -> Vec<&'static Example> {
    if k == 0 {
        return Vec::new();
    }
    let index = index();
    let n = index.docs.len() as f64;
    let mut query: Vec<String> = words(problem);
    query.sort();
    query.dedup();
    let mut scored: Vec<(f64, usize)> = index
        .docs
        .iter()
        .enumerate()
        .filter(|(i, _)| examples()[*i].problem.trim() != problem.trim())
        .map(|(i, tf)| {
            let norm = K1 * (1.0 - B + B * index.lengths[i] / index.average.max(1.0));
            let score = query
                .iter()
                .filter_map(|w| {
                    let f = *tf.get(w)?;
                    let df = index.document_frequency.get(w).copied().unwrap_or(0.0);
                    let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                    Some(idf * f * (K1 + 1.0) / (f + norm))
                })
                .sum::<f64>();
            (score, i)
        })
        .collect();
    // Ties break by name, so retrieval is deterministic.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(k).map(|(_, i)| &examples()[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_library_file_parses() {
        assert_eq!(examples().len(), LIBRARY.len(), "a library file does not parse as an example");
        assert!(examples().len() >= 40, "the library has {} examples; the goal is at least 40", examples().len());
    }

    #[test]
    fn retrieval_finds_the_same_archetype_far_more_often_than_chance() {
        // Leave-one-out: how often the nearest other example has the problem's archetype,
        // against how often a random other example would.
        let all = examples();
        let n = all.len() as f64;
        let hits =
            all.iter().filter(|e| nearest(&e.problem, 1).first().is_some_and(|m| m.archetype == e.archetype)).count();
        let chance: f64 = all
            .iter()
            .map(|e| (all.iter().filter(|o| o.archetype == e.archetype).count() as f64 - 1.0) / (n - 1.0))
            .sum();
        assert!(hits as f64 >= 4.0 * chance, "{hits} of {n} retrieve their own archetype; chance is {chance:.1}");
        assert!(all.iter().all(|e| nearest(&e.problem, 3).iter().all(|m| m.id != e.id)), "an example retrieved itself");
    }

    #[test]
    fn answers_are_one_line_json_spaced_like_the_system_prompt() {
        let e = &examples()[0];
        let a = e.answer();
        assert!(!a.contains('\n') && a.contains("\"name\": \""), "{a}");
        assert_eq!(serde_json::from_str::<Value>(&a).unwrap(), e.formulation);
    }

    #[test]
    fn plural_s_and_stop_words_do_not_separate_words() {
        assert_eq!(words("The trucks and a truck"), vec!["truck", "truck"]);
    }
}
