//! Where the LLM is and how to talk to it: flags, then the environment (`OPTFORM_BASE_URL`,
//! `OPTFORM_MODEL`, `OPTFORM_API_KEY`, falling back to `OPENAI_API_KEY`), then `optform.toml`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use super::Structured;

/// An API key that never prints: `Debug` and `Display` show `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("***")
    }
}

/// US dollars per million tokens.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
pub struct Price {
    pub input: f64,
    pub output: f64,
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    /// Up to and including `/v1`: requests go to `{base_url}/chat/completions`.
    pub base_url: String,
    pub model: String,
    pub api_key: Option<Secret>,
    /// Per HTTP request.
    pub timeout: Duration,
    pub max_retries: u32,
    /// First retry delay; doubles each time, with jitter.
    pub backoff: Duration,
    pub structured: Structured,
    /// Bound the schema (item counts, string lengths) for small local models.
    pub bounded_schema: bool,
    pub price: Option<Price>,
    /// Largest reply body read, in bytes (`--max response_bytes`); a larger one is refused
    /// unread rather than held in memory.
    pub max_response_bytes: usize,
}

impl Default for Endpoint {
    fn default() -> Self {
        Endpoint {
            base_url: "http://127.0.0.1:8080/v1".into(),
            model: "qwen".into(),
            api_key: None,
            timeout: Duration::from_secs(600),
            max_retries: 4,
            backoff: Duration::from_secs(1),
            structured: Structured::Auto,
            max_response_bytes: crate::model::Limits::default().response_bytes,
            bounded_schema: false,
            price: None,
        }
    }
}

/// `optform.toml`: `[llm]` settings and an optional price table by model name.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    #[serde(default)]
    pub llm: LlmSection,
    #[serde(default)]
    pub prices: BTreeMap<String, Price>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmSection {
    pub base_url: Option<String>,
    pub model: Option<String>,
    /// Name of the environment variable that holds the key (keys do not belong in files).
    pub api_key_env: Option<String>,
    pub timeout_seconds: Option<u64>,
    pub max_retries: Option<u32>,
    pub structured: Option<Structured>,
    pub bounded_schema: Option<bool>,
}

pub fn read_file_config(path: &Path) -> Result<FileConfig, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileConfig::default()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// What the command line gave (None: not given).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub base_url: Option<String>,
    pub model: Option<String>,
    pub timeout_seconds: Option<u64>,
    pub max_retries: Option<u32>,
    pub structured: Option<Structured>,
    pub bounded_schema: bool,
}

/// Resolves the endpoint: flags, then `env` (a lookup, so tests need not touch the process
/// environment), then the file.
pub fn resolve(flags: &Overrides, env: &dyn Fn(&str) -> Option<String>, file: &FileConfig) -> Endpoint {
    let d = Endpoint::default();
    let s = &file.llm;
    let model = flags.model.clone().or_else(|| env("OPTFORM_MODEL")).or_else(|| s.model.clone()).unwrap_or(d.model);
    let key_var = s.api_key_env.clone();
    let api_key = env("OPTFORM_API_KEY")
        .or_else(|| key_var.as_deref().and_then(env))
        .or_else(|| env("OPENAI_API_KEY"))
        .filter(|k| !k.is_empty())
        .map(Secret::new);
    Endpoint {
        base_url: flags
            .base_url
            .clone()
            .or_else(|| env("OPTFORM_BASE_URL"))
            .or_else(|| s.base_url.clone())
            .unwrap_or(d.base_url)
            .trim_end_matches('/')
            .to_string(),
        price: file.prices.get(&model).copied(),
        model,
        api_key,
        timeout: Duration::from_secs(flags.timeout_seconds.or(s.timeout_seconds).unwrap_or(d.timeout.as_secs())),
        max_retries: flags.max_retries.or(s.max_retries).unwrap_or(d.max_retries),
        backoff: d.backoff,
        structured: flags.structured.or(s.structured).unwrap_or(d.structured),
        bounded_schema: flags.bounded_schema || s.bounded_schema.unwrap_or(false),
        max_response_bytes: d.max_response_bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_environment_beat_file_and_keys_never_print() {
        let file: FileConfig = toml::from_str(
            "[llm]\nbase_url = \"http://file/v1\"\nmodel = \"m-file\"\n[prices.m-env]\ninput = 0.5\noutput = 1.5\n",
        )
        .unwrap();
        let env = |k: &str| match k {
            "OPTFORM_MODEL" => Some("m-env".to_string()),
            "OPENAI_API_KEY" => Some("sk-secret".to_string()),
            _ => None,
        };
        let e = resolve(&Overrides { base_url: Some("http://flag/v1/".into()), ..Default::default() }, &env, &file);
        assert_eq!(e.base_url, "http://flag/v1");
        assert_eq!(e.model, "m-env");
        assert_eq!(e.price, Some(Price { input: 0.5, output: 1.5 }));
        assert_eq!(e.api_key.as_ref().unwrap().expose(), "sk-secret");
        let shown = format!("{e:?}");
        assert!(!shown.contains("sk-secret") && shown.contains("***"), "{shown}");
        let e = resolve(&Overrides::default(), &|_| None, &file);
        assert_eq!((e.base_url.as_str(), e.model.as_str(), e.api_key.is_none()), ("http://file/v1", "m-file", true));
    }
}
