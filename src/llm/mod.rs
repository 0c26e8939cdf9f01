//! A client for the OpenAI-compatible chat-completions API (OpenAI, DeepSeek, OpenRouter,
//! vLLM, SGLang, Ollama, llama.cpp's llama-server), with structured output, retries, a
//! content-addressed response cache and offline replay.

mod cache;
mod client;
pub mod config;
mod limit;
pub mod schema;

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use cache::Cache;
pub use client::Client;
pub use config::Endpoint;
pub use limit::Limits;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: String,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Message { role: "system".into(), content: content.into() }
    }
    pub fn user(content: impl Into<String>) -> Self {
        Message { role: "user".into(), content: content.into() }
    }
    pub fn assistant(content: impl Into<String>) -> Self {
        Message { role: "assistant".into(), content: content.into() }
    }
}

/// How the reply is constrained to be JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Structured {
    /// Try `json_schema`, then `json_object`, then a fenced block; remember what works.
    Auto,
    /// `response_format: {type: json_schema}` (llama.cpp and OpenAI enforce it).
    JsonSchema,
    /// `response_format: {type: json_object}`.
    JsonObject,
    /// No response format: ask for a fenced ```json block and extract it.
    Fenced,
}

impl Structured {
    /// The next weaker mode to fall back to.
    pub fn weaker(self) -> Option<Structured> {
        match self {
            Structured::Auto | Structured::JsonSchema => Some(Structured::JsonObject),
            Structured::JsonObject => Some(Structured::Fenced),
            Structured::Fenced => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Sampling {
    pub temperature: f64,
    pub max_tokens: u32,
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// One answer of the model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Completion {
    pub content: String,
    /// `stop`, `length` (truncated), …
    pub finish_reason: String,
    pub usage: Usage,
    /// Wall time of the HTTP exchange that produced it (0 when replayed from the cache).
    pub latency_ms: u64,
    /// The structured-output mode the server accepted.
    pub mode: Structured,
    #[serde(default)]
    pub cached: bool,
    /// HTTP attempts made (retries included).
    #[serde(default)]
    pub attempts: u32,
}

impl Completion {
    pub fn truncated(&self) -> bool {
        self.finish_reason == "length"
    }
}

/// Failures of the endpoint itself (not of the model's answer), each naming what to set.
#[derive(Debug, Clone, PartialEq)]
pub enum LlmError {
    Unreachable { url: String, detail: String },
    Unauthorized { url: String, status: u16 },
    UnknownModel { url: String, model: String, detail: String },
    Http { url: String, status: u16, body: String },
    Timeout { url: String, after: Duration },
    Protocol { url: String, detail: String },
    OfflineMiss { key: String },
}

impl fmt::Display for LlmError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            LlmError::Unreachable { url, detail } => write!(
                f,
                "cannot reach the LLM endpoint {url} ({detail}); is the server running? Set --base-url or OPTFORM_BASE_URL"
            ),
            LlmError::Unauthorized { url, status } => write!(
                f,
                "the LLM endpoint {url} rejected the API key (HTTP {status}); set OPTFORM_API_KEY (or OPENAI_API_KEY)"
            ),
            LlmError::UnknownModel { url, model, detail } => write!(
                f,
                "the LLM endpoint {url} does not serve the model `{model}` ({detail}); set --model or OPTFORM_MODEL (GET {url}/models lists them)"
            ),
            LlmError::Http { url, status, body } => write!(f, "the LLM endpoint {url} answered HTTP {status}: {body}"),
            LlmError::Timeout { url, after } => {
                write!(f, "the LLM endpoint {url} did not answer within {} s (after retries); raise --timeout", after.as_secs())
            }
            LlmError::Protocol { url, detail } => write!(f, "unexpected answer from {url}: {detail}"),
            LlmError::OfflineMiss { key } => {
                write!(f, "--offline: no cached answer for this request (key {key}); run once without --offline to record it")
            }
        }
    }
}

impl std::error::Error for LlmError {}
