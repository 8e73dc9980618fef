//! Crash safety: a child process grades items in a loop, printing each grade once it
//! is reported saved, and is killed with SIGKILL at random moments. After every kill
//! the store opens (or `recover` rebuilds it) and every grade the child reported saved
//! is there with its note.
#![cfg(unix)]

use crate::common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use pingshen::scoring::Grade;
use pingshen::store::{Store, StoreError, recover};

const ROUNDS: usize = 50;
const GRADES: [&str; 4] = ["A", "B", "C", "D"];

/// A small deterministic generator: the kill moments vary, the test stays reproducible
/// from the seed it prints.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn grades_reported_saved_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let (items, id) = {
        let (store, insp) = common::store_with_inspection(dir.path(), "township-2022");
        let c = store.pinned(&insp).unwrap();
        let items: Vec<String> = c.items().map(|(_, _, i)| i.id.clone()).collect();
        (items, insp.id)
    };
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("crash test seed {seed}");
    let mut rng = Rng(seed);

    // item -> the counter of the newest write reported saved.
    let mut reported: HashMap<String, u64> = HashMap::new();
    let mut counter: u64 = 0;
    let mut total_reported = 0;
    let mut recoveries = 0;

    for round in 0..ROUNDS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pingshen"))
            .args(["grade", &id, "--batch"])
            .env("PINGSHEN_DATA_DIR", dir.path())
            .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
            .env("PINGSHEN_INSPECTOR", "张三")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel::<String>();
        let reader = thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });

        // Feed writes: each note carries a counter, and the grade follows from it.
        let first = counter;
        let batch = 400;
        let mut feed = String::new();
        for k in 0..batch {
            let n = first + k;
            let item = &items[(n as usize) % items.len()];
            feed.push_str(&format!(
                "{item}\t{}\t第{n}次 记录\n",
                GRADES[(n % 4) as usize]
            ));
        }
        counter += batch;
        let writer = thread::spawn(move || {
            // The child may die mid-write: a broken pipe is expected.
            let _ = stdin.write_all(feed.as_bytes());
            let _ = stdin.flush();
            // Keep stdin open so the child does not finish by itself before the kill.
            thread::sleep(Duration::from_secs(30));
            drop(stdin);
        });
        let _ = writer; // detached: ends on its own

        // Kill after a random number of reported saves (0..40) or a random moment.
        let want = rng.next() % 40;
        let deadline = Instant::now() + Duration::from_millis(20 + rng.next() % 300);
        let mut seen_this_round = 0;
        let mut lines = Vec::new();
        while seen_this_round < want {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left.max(Duration::from_millis(1))) {
                Ok(l) => {
                    lines.push(l);
                    seen_this_round += 1;
                }
                Err(_) => {
                    if Instant::now() >= deadline {
                        break;
                    }
                }
            }
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reader.join().unwrap();
        // Lines printed before the kill were reported saved too.
        lines.extend(rx.try_iter());

        // Map reported lines back to their counters: the child writes in feed order.
        for (k, line) in lines.iter().enumerate() {
            let n = first + k as u64;
            let item = &items[(n as usize) % items.len()];
            assert_eq!(
                line,
                &format!("已保存\t{item}\t{}", label(n)),
                "round {round}"
            );
            reported.insert(item.clone(), n);
            total_reported += 1;
        }

        let store = match Store::open(dir.path()) {
            Ok(s) => s,
            Err(StoreError::Unopenable { .. }) => {
                recoveries += 1;
                recover(
                    dir.path(),
                    std::sync::Arc::new(pingshen::identity::Identity::throwaway("crash")),
                )
                .expect("recover after a kill");
                Store::open(dir.path()).expect("opens after recover")
            }
            Err(e) => panic!("round {round}: store does not open: {e}"),
        };
        for (item, &n) in &reported {
            let a = store
                .assessment(&id, item)
                .unwrap()
                .unwrap_or_else(|| panic!("round {round}: {item} reported saved, missing"));
            // The stored write is the reported one or a later one not yet reported.
            let stored_n: u64 = a
                .note
                .trim_start_matches('第')
                .split('次')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert!(
                stored_n >= n,
                "round {round}: {item} went back from write {n} to {stored_n}"
            );
            assert_eq!(a.grade, Some(grade(stored_n)), "round {round}: {item}");
        }
        drop(store);
    }
    eprintln!("{ROUNDS} kills, {total_reported} grades reported saved, {recoveries} recoveries");
    assert!(total_reported > 0, "the child never reported a save");
}

fn label(n: u64) -> &'static str {
    grade(n).label()
}

fn grade(n: u64) -> Grade {
    Grade::parse(GRADES[(n % 4) as usize]).unwrap()
}
