//! A content-addressed cache of model answers: the key is a SHA-256 of everything that
//! determines the answer (endpoint, model, messages, sampling, output mode and schema), never
//! the API key. `--cache DIR` reuses answers; `--offline` replays only.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{Completion, Message, Sampling, Structured};

#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn new(dir: impl Into<PathBuf>) -> std::io::Result<Cache> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        Ok(Cache { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn key(
        base_url: &str,
        model: &str,
        messages: &[Message],
        sampling: &Sampling,
        mode: Structured,
        schema: &Value,
    ) -> String {
        let canonical = json!({
            "base_url": base_url, "model": model, "messages": messages,
            "temperature": sampling.temperature, "max_tokens": sampling.max_tokens, "seed": sampling.seed,
            "mode": mode, "schema": if mode == Structured::JsonSchema { schema.clone() } else { Value::Null },
        });
        let digest = Sha256::digest(canonical.to_string().as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.json"))
    }

    pub fn get(&self, key: &str) -> Option<Completion> {
        let text = std::fs::read_to_string(self.path(key)).ok()?;
        let mut c: Completion = serde_json::from_str(&text).ok()?;
        c.cached = true;
        c.latency_ms = 0;
        Some(c)
    }

    /// Stores an answer (written whole, then renamed, so a crash never leaves half a file).
    pub fn put(&self, key: &str, c: &Completion) -> std::io::Result<()> {
        let path = self.path(key);
        std::fs::create_dir_all(path.parent().expect("has a parent"))?;
        let tmp = path.with_extension("tmp");
        let stored = Completion { cached: false, attempts: 0, ..c.clone() };
        std::fs::write(&tmp, serde_json::to_string_pretty(&stored).expect("serializable"))?;
        std::fs::rename(tmp, path)
    }

    /// The structured-output mode last found to work at an endpoint.
    pub fn mode_for(&self, base_url: &str) -> Option<Structured> {
        let text = std::fs::read_to_string(self.dir.join("modes.json")).ok()?;
        let v: Value = serde_json::from_str(&text).ok()?;
        serde_json::from_value(v.get(base_url)?.clone()).ok()
    }

    pub fn remember_mode(&self, base_url: &str, mode: Structured) {
        let path = self.dir.join("modes.json");
        let mut v: Value =
            std::fs::read_to_string(&path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(json!({}));
        v[base_url] = json!(mode);
        // Best effort: forgetting a mode only costs one fallback round trip next time.
        let _ = std::fs::write(path, serde_json::to_string_pretty(&v).expect("serializable"));
    }
}
