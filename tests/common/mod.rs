//! A real HTTP server on loopback that speaks the OpenAI chat-completions protocol from a
//! script, for the tests of the LLM loop and of `bench`.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server does with one request.
#[derive(Clone)]
pub enum Act {
    /// A chat completion whose message content is `content`.
    Reply {
        content: String,
        finish: &'static str,
    },
    Status {
        code: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Waits, then acts.
    Slow(Duration, Box<Act>),
    /// Closes the connection without answering.
    Drop,
}

pub fn reply(content: &str) -> Act {
    Act::Reply { content: content.into(), finish: "stop" }
}

#[derive(Debug, Clone)]
pub struct Seen {
    pub authorization: Option<String>,
    pub body: Value,
}

/// Serves the script in order (then answers 500) and records every request.
pub async fn server(script: Vec<Act>) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let script = Arc::new(Mutex::new(script.into_iter()));
    responder(Arc::new(move |_: &Value| script.lock().unwrap().next())).await
}

/// Chooses each answer from the request (for concurrent clients, whose order is not fixed).
pub type Responder = Arc<dyn Fn(&Value) -> Option<Act> + Send + Sync>;

/// Serves answers chosen by `respond` (500 when it has none) and records every request.
pub async fn responder(respond: Responder) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let log = log.clone();
            let respond = respond.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                // Read the head, then Content-Length bytes of body.
                let (head_end, length) = loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..p]).to_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        break (p + 4, len);
                    }
                };
                while buf.len() < head_end + length {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let authorization = head
                    .lines()
                    .find(|l| l.to_lowercase().starts_with("authorization:"))
                    .map(|l| l["authorization:".len()..].trim().to_string());
                let body: Value = serde_json::from_slice(&buf[head_end..head_end + length]).unwrap_or(Value::Null);
                let act = respond(&body);
                log.lock().unwrap().push(Seen { authorization, body });
                let mut act =
                    act.unwrap_or(Act::Status { code: 500, headers: vec![], body: "script exhausted".into() });
                if let Act::Slow(d, inner) = act {
                    tokio::time::sleep(d).await;
                    act = *inner;
                }
                let (code, headers, body) = match act {
                    Act::Drop => return,
                    Act::Reply { content, finish } => (
                        200,
                        vec![],
                        json!({
                            "choices": [{ "message": { "role": "assistant", "content": content }, "finish_reason": finish }],
                            "usage": { "prompt_tokens": 100, "completion_tokens": 40 }
                        })
                        .to_string(),
                    ),
                    Act::Status { code, headers, body } => (code, headers, body),
                    Act::Slow(..) => unreachable!(),
                };
                let mut resp = format!("HTTP/1.1 {code} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
                for (k, v) in headers {
                    resp.push_str(&format!("{k}: {v}\r\n"));
                }
                resp.push_str("\r\n");
                resp.push_str(&body);
                let _ = sock.write_all(resp.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (url, seen)
}
