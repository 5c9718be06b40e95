//! What the binary's end-to-end tests and benchmarks share: a real `greenlane serve` on a free
//! loopback port, stopped when dropped, an HTTP client that reports every status, and batching of
//! single-entity messages into the multi-entity messages platforms send.

#![allow(dead_code)]

use greenlane_ceb::Message;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The admin token every test server accepts.
pub const ADMIN: &str = "test-admin-token";

/// A running `greenlane serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    /// Starts `greenlane serve` with `store` (`["--data", DIR]` or `["--database", URL]`).
    pub fn start(store: [&str; 2]) -> Server {
        Server::start_with(store, &[])
    }

    /// Starts `greenlane serve` with `store` and further options.
    pub fn start_with(store: [&str; 2], options: &[&str]) -> Server {
        Server::start_with_env(store, options, &[])
    }

    /// Starts `greenlane serve` with `store`, further options and environment variables.
    pub fn start_with_env(store: [&str; 2], options: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_greenlane"))
            .arg("serve")
            .args(store)
            .args(options)
            .args(["--listen", "127.0.0.1:0"])
            .envs(env.iter().copied())
            .env("GREENLANE_ADMIN_TOKEN", ADMIN)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("greenlane serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout")).read_line(&mut line).unwrap();
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        Server { child, base }
    }

    pub fn on_folder(dir: &std::path::Path) -> Server {
        Server::start(["--data", dir.to_str().expect("a UTF-8 path")])
    }

    pub fn post(&self, token: Option<&str>, body: &[u8]) -> (u16, String) {
        let (status, body, _) = self.post_noting_replay(token, body);
        (status, body)
    }

    /// Also says whether the server answered an exact re-send from its stored receipt.
    pub fn post_noting_replay(&self, token: Option<&str>, body: &[u8]) -> (u16, String, bool) {
        let mut request = agent().post(format!("{}/api/v1/messages", self.base));
        if let Some(t) = token {
            request = request.header("Authorization", &format!("Bearer {t}"));
        }
        let mut response = request.header("Content-Type", "application/xml").send(body).unwrap();
        let replay = response.headers().get("x-greenlane-replay").is_some();
        (response.status().as_u16(), response.body_mut().read_to_string().unwrap(), replay)
    }

    /// POSTs a JSON body to `path`.
    pub fn post_json(&self, token: Option<&str>, path: &str, body: &serde_json::Value) -> (u16, String) {
        let mut request = agent().post(format!("{}{path}", self.base));
        if let Some(t) = token {
            request = request.header("Authorization", &format!("Bearer {t}"));
        }
        let mut response =
            request.header("Content-Type", "application/json").send(body.to_string().as_bytes()).unwrap();
        (response.status().as_u16(), response.body_mut().read_to_string().unwrap())
    }

    pub fn get(&self, token: Option<&str>, path: &str) -> (u16, String) {
        let mut request = agent().get(format!("{}{path}", self.base));
        if let Some(t) = token {
            request = request.header("Authorization", &format!("Bearer {t}"));
        }
        let mut response = request.call().unwrap();
        (response.status().as_u16(), response.body_mut().read_to_string().unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A keep-alive client that returns 4xx and 5xx answers instead of failing on them.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

/// Puts the entities of single-entity messages of one type into one message.
pub fn batch(messages: impl Iterator<Item = Message>) -> Message {
    let mut merged: Option<Message> = None;
    for m in messages {
        match (&mut merged, m) {
            (None, m) => merged = Some(m),
            (Some(Message::Ceb303(a)), Message::Ceb303(b)) => a.orders.extend(b.orders),
            (Some(Message::Ceb505(a)), Message::Ceb505(b)) => a.logistics.extend(b.logistics),
            (Some(Message::Ceb603(a)), Message::Ceb603(b)) => a.inventories.extend(b.inventories),
            _ => panic!("a batch holds messages of one type (orders, waybills or lists)"),
        }
    }
    merged.expect("a batch has at least one message")
}
