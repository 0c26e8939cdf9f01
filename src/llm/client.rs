//! The HTTP exchange: one chat completion, with retries (connect errors, timeouts, 429 with
//! `Retry-After`, 5xx), exponential backoff with jitter, structured-output negotiation, and
//! the cache in front.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{Cache, Completion, Endpoint, LlmError, Message, Sampling, Structured, Usage};

pub struct Client {
    http: reqwest::Client,
    endpoint: Endpoint,
    cache: Option<Cache>,
    offline: bool,
    /// The mode found to work at this endpoint during this run.
    mode: Mutex<Option<Structured>>,
    limits: super::Limits,
}

/// Why one HTTP exchange did not give an answer.
enum Failure {
    /// The server refused the structured-output mode (HTTP 400/422 about `response_format`).
    ModeRejected,
    Fatal(LlmError),
}

impl Client {
    pub fn new(endpoint: Endpoint, cache: Option<Cache>, offline: bool) -> Client {
        let http = reqwest::Client::builder().timeout(endpoint.timeout).build().expect("a default HTTP client builds");
        Client { http, endpoint, cache, offline, mode: Mutex::new(None), limits: super::Limits::default() }
    }

    /// Caps requests and tokens per minute across every task that shares this client.
    pub fn with_limits(mut self, rpm: Option<u32>, tpm: Option<u64>) -> Client {
        self.limits = super::Limits::new(rpm, tpm);
        self
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    fn first_mode(&self) -> Structured {
        if self.endpoint.structured != Structured::Auto {
            return self.endpoint.structured;
        }
        let remembered = *self.mode.lock().expect("not poisoned");
        remembered
            .or_else(|| self.cache.as_ref().and_then(|c| c.mode_for(&self.endpoint.base_url)))
            .unwrap_or(Structured::JsonSchema)
    }

    /// Asks for one completion. Endpoint failures are errors; what the model says (even a
    /// truncated or invalid answer) is the caller's business.
    pub async fn chat(
        &self,
        messages: &[Message],
        sampling: &Sampling,
        schema: &Value,
    ) -> Result<Completion, LlmError> {
        let auto = self.endpoint.structured == Structured::Auto;
        let mut mode = self.first_mode();
        loop {
            let key = Cache::key(&self.endpoint.base_url, &self.endpoint.model, messages, sampling, mode, schema);
            if let Some(hit) = self.cache.as_ref().and_then(|c| c.get(&key)) {
                return Ok(hit);
            }
            if self.offline {
                match mode.weaker() {
                    Some(weaker) if auto => {
                        mode = weaker;
                        continue;
                    }
                    _ => return Err(LlmError::OfflineMiss { key }),
                }
            }
            match self.exchange(messages, sampling, schema, mode).await {
                Ok(c) => {
                    if let Some(cache) = &self.cache {
                        // A cache that cannot be written costs reproducibility, not the answer.
                        if let Err(e) = cache.put(&key, &c) {
                            eprintln!("warning: cannot write the LLM cache in {}: {e}", cache.dir().display());
                        }
                        if auto {
                            cache.remember_mode(&self.endpoint.base_url, mode);
                        }
                    }
                    *self.mode.lock().expect("not poisoned") = Some(mode);
                    return Ok(c);
                }
                Err(Failure::ModeRejected) if auto && mode.weaker().is_some() => mode = mode.weaker().expect("checked"),
                Err(Failure::ModeRejected) => {
                    return Err(LlmError::Http {
                        url: self.endpoint.base_url.clone(),
                        status: 400,
                        body: format!(
                            "the server does not accept the structured-output mode {}; try --structured auto",
                            clap::ValueEnum::to_possible_value(&mode)
                                .map_or_else(String::new, |v| v.get_name().to_string())
                        ),
                    })
                }
                Err(Failure::Fatal(e)) => return Err(e),
            }
        }
    }

    fn body(&self, messages: &[Message], sampling: &Sampling, schema: &Value, mode: Structured) -> Value {
        let mut body = json!({
            "model": self.endpoint.model,
            "messages": messages,
            "temperature": sampling.temperature,
            "max_tokens": sampling.max_tokens,
        });
        if let Some(seed) = sampling.seed {
            body["seed"] = json!(seed);
        }
        match mode {
            Structured::JsonSchema | Structured::Auto => {
                body["response_format"] = json!({ "type": "json_schema", "json_schema": { "name": "formulation", "strict": false, "schema": schema } });
            }
            Structured::JsonObject => body["response_format"] = json!({ "type": "json_object" }),
            Structured::Fenced => {}
        }
        body
    }

    /// One request, retried on transient failures.
    async fn exchange(
        &self,
        messages: &[Message],
        sampling: &Sampling,
        schema: &Value,
        mode: Structured,
    ) -> Result<Completion, Failure> {
        let url = format!("{}/chat/completions", self.endpoint.base_url);
        let base = self.endpoint.base_url.clone();
        let body = self.body(messages, sampling, schema, mode);
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let last = attempt > self.endpoint.max_retries;
            self.limits.acquire().await;
            let start = Instant::now();
            let mut req = self.http.post(&url).json(&body);
            if let Some(key) = &self.endpoint.api_key {
                req = req.bearer_auth(key.expose());
            }
            let (retry_after, failure) = match req.send().await {
                Err(e) if e.is_timeout() => {
                    (None, LlmError::Timeout { url: base.clone(), after: self.endpoint.timeout })
                }
                Err(e) => (None, LlmError::Unreachable { url: base.clone(), detail: root_cause(&e) }),
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let retry_after = resp
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    match read_capped(resp, self.endpoint.max_response_bytes).await {
                        Err(Capped::TooLarge) => {
                            return Err(Failure::Fatal(LlmError::Protocol {
                                url: base.clone(),
                                detail: format!(
                                    "the reply is larger than {} bytes; {}",
                                    self.endpoint.max_response_bytes,
                                    crate::model::limits::raise_hint(
                                        "response_bytes",
                                        self.endpoint.max_response_bytes
                                    )
                                ),
                            }))
                        }
                        Err(Capped::Http(e)) => {
                            (None, LlmError::Unreachable { url: base.clone(), detail: root_cause(&e) })
                        }
                        Ok(text) if status == 200 => {
                            let latency_ms = start.elapsed().as_millis() as u64;
                            match parse_completion(&text) {
                                Ok((content, finish_reason, usage)) => {
                                    self.limits.used(usage.prompt_tokens + usage.completion_tokens);
                                    return Ok(Completion {
                                        content,
                                        finish_reason,
                                        usage,
                                        latency_ms,
                                        mode,
                                        cached: false,
                                        attempts: attempt,
                                    });
                                }
                                Err(detail) => (None, LlmError::Protocol { url: base.clone(), detail }),
                            }
                        }
                        Ok(text) => match classify(status, &text, &base, &self.endpoint.model, mode) {
                            Classified::Retry(e) => (retry_after, e),
                            Classified::Fail(f) => return Err(f),
                        },
                    }
                }
            };
            if last {
                return Err(Failure::Fatal(failure));
            }
            tokio::time::sleep(
                retry_after
                    .map_or_else(|| backoff(self.endpoint.backoff, attempt), |d| d.min(Duration::from_secs(120))),
            )
            .await;
        }
    }
}

enum Capped {
    TooLarge,
    Http(reqwest::Error),
}

/// The reply body as text, read chunk by chunk and abandoned as soon as it passes `max`
/// bytes, so a hostile or broken server cannot make optform hold an unbounded reply.
async fn read_capped(mut resp: reqwest::Response, max: usize) -> Result<String, Capped> {
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(Capped::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(Capped::Http)? {
        if body.len() + chunk.len() > max {
            return Err(Capped::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

enum Classified {
    Retry(LlmError),
    Fail(Failure),
}

fn classify(status: u16, body: &str, url: &str, model: &str, mode: Structured) -> Classified {
    let short: String = body.chars().take(300).collect();
    let lower = body.to_lowercase();
    match status {
        429 | 500..=599 => Classified::Retry(LlmError::Http { url: url.into(), status, body: short }),
        401 | 403 => Classified::Fail(Failure::Fatal(LlmError::Unauthorized { url: url.into(), status })),
        404 if lower.contains("model") => Classified::Fail(Failure::Fatal(LlmError::UnknownModel {
            url: url.into(),
            model: model.into(),
            detail: short,
        })),
        400 | 422
            if mode != Structured::Fenced
                && (lower.contains("response_format") || lower.contains("json_schema") || lower.contains("schema")) =>
        {
            Classified::Fail(Failure::ModeRejected)
        }
        400 if lower.contains("model") && (lower.contains("not found") || lower.contains("does not exist")) => {
            Classified::Fail(Failure::Fatal(LlmError::UnknownModel {
                url: url.into(),
                model: model.into(),
                detail: short,
            }))
        }
        _ => Classified::Fail(Failure::Fatal(LlmError::Http { url: url.into(), status, body: short })),
    }
}

/// `content`, `finish_reason`, `usage` of a chat-completions response.
fn parse_completion(text: &str) -> Result<(String, String, Usage), String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("the response is not JSON ({e})"))?;
    let choice = v.get("choices").and_then(|c| c.get(0)).ok_or("the response has no `choices`")?;
    let content = choice.pointer("/message/content").and_then(Value::as_str).unwrap_or("").to_string();
    let finish_reason = choice.get("finish_reason").and_then(Value::as_str).unwrap_or("stop").to_string();
    let usage = Usage {
        prompt_tokens: v.pointer("/usage/prompt_tokens").and_then(Value::as_u64).unwrap_or(0),
        completion_tokens: v.pointer("/usage/completion_tokens").and_then(Value::as_u64).unwrap_or(0),
    };
    Ok((content, finish_reason, usage))
}

/// `base · 2^(attempt-1)`, capped at 30 s, with ±50% jitter so that parallel clients spread out.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << (attempt - 1).min(10)).min(Duration::from_secs(30));
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let jitter = 0.5 + f64::from(nanos % 1000) / 1000.0;
    exp.mul_f64(jitter)
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    cause
}
