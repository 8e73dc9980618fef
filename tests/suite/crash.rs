//! Crash safety: `pingshen grade --batch` grades items one line at a time, printing
//! `已保存` for each once it is durably saved, and is killed with SIGKILL at random
//! moments — during its start (opening, catching sled up, backing up) and between or
//! during saves. After every kill the real binary opens the data dir again and every
//! grade and note it reported saved is there; `recover` is never needed.
//!
//! Also the helpers the other crash tests share (`crash_tui`, `damage`): a seeded
//! generator, `pingshen` as a child with a time limit, reading an inspection back.
//!
//! Every test prints its seed; `PINGSHEN_CRASH_SEED=<seed>` repeats its schedule (the
//! kill moments still meet the child wherever the machine's speed puts it).
#![cfg(unix)]

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use pingshen::scoring::Grade;

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_pingshen");

/// How long one `pingshen` may take before the test calls it hung. Generous: the
/// machine is shared with other builds.
pub(crate) const CHILD_LIMIT: Duration = Duration::from_secs(60);

const ROUNDS: usize = 220;
/// Rounds on one inspection before the next is created: replaying a journal after a
/// kill checks every signature in it, so one ever longer journal would make each
/// round slower than the last.
const ROUNDS_PER_INSPECTION: usize = 10;
/// Lines fed to each child: more than it can save before the kill.
const FEED: u64 = 40;
const GRADES: [&str; 4] = ["A", "B", "C", "D"];

/// A small deterministic generator (xorshift64): the schedule of a test follows from
/// the seed it prints.
pub(crate) struct Rng(u64);

impl Rng {
    /// The seed from `PINGSHEN_CRASH_SEED`, else from the clock; printed either way.
    pub(crate) fn seeded(test: &str) -> Rng {
        let seed = std::env::var("PINGSHEN_CRASH_SEED")
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            })
            | 1;
        eprintln!("{test}: seed {seed} (PINGSHEN_CRASH_SEED={seed} repeats it)");
        Rng(seed)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `pingshen` with its data in `data`, the suite's config dir, 张三 at the keyboard and
/// no user checklists.
pub(crate) fn pingshen(data: &Path) -> Command {
    with_env(Command::new(BIN), data)
}

/// `program` (a shell that runs pingshen, say) with pingshen's environment for `data`
/// as [`pingshen`] sets it, and `$BIN` naming the binary.
pub(crate) fn with_env(mut program: Command, data: &Path) -> Command {
    program
        .env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env(
            "PINGSHEN_CHECKLIST_DIR",
            data.with_extension("no-checklists"),
        )
        .env("BIN", BIN);
    program
}

/// Runs `cmd` with `input` on its stdin and waits for it, at most [`CHILD_LIMIT`]: a
/// child still running then is killed and the test fails, naming `what`.
pub(crate) fn run(mut cmd: Command, input: &[u8], what: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start pingshen: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let drain = |mut r: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > CHILD_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: pingshen still running after {CHILD_LIMIT:?}: it hangs");
        }
        thread::sleep(Duration::from_millis(2));
    };
    feeder.join().unwrap();
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// `pingshen ARGS` on `data`, run to its end (see [`run`]).
pub(crate) fn cli(data: &Path, args: &[&str]) -> Output {
    let mut c = pingshen(data);
    c.args(args);
    run(c, b"", &format!("pingshen {}", args.join(" ")))
}

/// What the user would see of a run, for failure messages.
pub(crate) fn shown(out: &Output) -> String {
    format!(
        "{:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Fails when a run panicked (a message from Rust's panic handler, or its exit code).
pub(crate) fn no_panic(out: &Output, what: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && out.status.code() != Some(101),
        "{what}: pingshen panicked\n{}",
        shown(out)
    );
}

/// `pingshen new` on township-2022 with 张三 as the one inspector; its id.
pub(crate) fn new_inspection(data: &Path, institution: &str, date: &str) -> String {
    let out = cli(
        data,
        &[
            "new",
            "--checklist",
            "township-2022",
            "--institution",
            institution,
            "--region",
            "双清区",
            "--inspector",
            "张三",
            "--date",
            date,
        ],
    );
    assert!(out.status.success(), "pingshen new: {}", shown(&out));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// An item as `pingshen show --json` gives it: the grade (`"A"`…`"D"`) and the note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stored {
    pub grade: Option<String>,
    pub note: String,
}

/// Reads inspection `id` back with `pingshen show ID --json`: the run (its stderr has
/// any warnings) and, when it succeeded, every assessment by item.
pub(crate) fn show(data: &Path, id: &str) -> (Output, Option<BTreeMap<String, Stored>>) {
    let out = cli(data, &["show", id, "--json"]);
    no_panic(&out, "pingshen show");
    if !out.status.success() {
        return (out, None);
    }
    let items = assessments_of(&out.stdout)
        .unwrap_or_else(|e| panic!("show --json is not JSON ({e}): {}", shown(&out)));
    (out, Some(items))
}

/// The assessments in the output of `pingshen show ID --json`, by item.
pub(crate) fn assessments_of(json: &[u8]) -> serde_json::Result<BTreeMap<String, Stored>> {
    let v: serde_json::Value = serde_json::from_slice(json)?;
    let mut items = BTreeMap::new();
    for (item, a) in v["assessments"].as_object().into_iter().flatten() {
        items.insert(
            item.clone(),
            Stored {
                grade: a["grade"].as_str().map(str::to_string),
                note: a["note"].as_str().unwrap_or_default().to_string(),
            },
        );
    }
    Ok(items)
}

/// The item ids of township-2022, in checklist order.
pub(crate) fn township_items() -> Vec<String> {
    let (c, _) = crate::common::shipped("township-2022");
    c.items().map(|(_, _, i)| i.id.clone()).collect()
}

/// How `show --json` names a grade: `"A"` … `"D"`.
pub(crate) fn json_grade(g: Grade) -> String {
    serde_json::to_value(g)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

/// The `n`th write of the kill test: item, grade and note follow from the counter.
fn write_n(items: &[String], n: u64) -> (&str, Grade, String) {
    (
        &items[(n as usize) % items.len()],
        Grade::parse(GRADES[(n % 4) as usize]).unwrap(),
        format!("第{n}次 记录"),
    )
}

/// The counter a stored note carries (`第N次 记录`).
fn counter_of(note: &str) -> Option<u64> {
    note.strip_prefix('第')?.split('次').next()?.parse().ok()
}

#[test]
fn grades_reported_saved_survive_sigkill() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    let mut id = String::new();
    // Each inspection done with, and what was reported saved of it.
    let mut done: Vec<(String, HashMap<String, u64>)> = Vec::new();
    let items = township_items();
    let mut rng = Rng::seeded("grades_reported_saved_survive_sigkill");
    let started = Instant::now();

    // item -> the counter of the newest write reported saved.
    let mut reported: HashMap<String, u64> = HashMap::new();
    // item -> a write whose grade is stored without its note: the grade and the note
    // are two journal entries of one append, and a kill can cut between them. That
    // write was never reported saved, so it may be there in part; it is counted.
    let mut partial: HashMap<String, u64> = HashMap::new();
    let mut counter: u64 = 0;
    let (mut total_reported, mut at_start, mut rebuilt, mut healed, mut torn) = (0, 0, 0, 0, 0);
    let mut needed_recover: Vec<String> = Vec::new();

    for round in 0..ROUNDS {
        if round % ROUNDS_PER_INSPECTION == 0 {
            if !id.is_empty() {
                done.push((std::mem::take(&mut id), std::mem::take(&mut reported)));
                partial.clear();
            }
            id = new_inspection(&data, &format!("青山镇卫生院{round}"), "2026-11-23");
        }
        let first = counter;
        counter += FEED;
        let mut feed = String::new();
        for n in first..first + FEED {
            let (item, g, note) = write_n(&items, n);
            feed.push_str(&format!("{item}\t{}\t{note}\n", g.label()));
        }
        let mut child = pingshen(&data)
            .args(["grade", &id, "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let spawned = Instant::now();
        let mut stdin = child.stdin.take().unwrap();
        // Two kilobytes: the pipe takes them at once. stdin stays open until the kill,
        // so the child never finishes by itself.
        stdin.write_all(feed.as_bytes()).unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel::<String>();
        let reader = thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut stderr = child.stderr.take().unwrap();
        let errors = thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s);
            s
        });

        // One round in six: kill while it starts (opens the store, catches sled up
        // from the journal, backs up), 0–100 ms after the spawn. Otherwise after 1–15
        // saves, then 0–3 ms later: between two saves or in the middle of one.
        let mut lines = Vec::new();
        let mut stopped = None;
        if rng.below(6) == 0 {
            at_start += 1;
            let at = spawned + Duration::from_millis(rng.below(100));
            thread::sleep(at.saturating_duration_since(Instant::now()));
        } else {
            let want = 1 + rng.below(15) as usize;
            let limit = Instant::now() + CHILD_LIMIT;
            while lines.len() < want {
                match rx.recv_timeout(limit.saturating_duration_since(Instant::now())) {
                    Ok(l) => lines.push(l),
                    Err(e) => {
                        stopped = Some((e, child.try_wait()));
                        break;
                    }
                }
            }
            thread::sleep(Duration::from_micros(rng.below(3000)));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        drop(stdin);
        reader.join().unwrap();
        let errors = errors.join().unwrap();
        if let Some((e, status)) = stopped {
            panic!(
                "round {round}: the child stopped reporting saves ({e:?}, {status:?}) after {}:\n{errors}",
                lines.len()
            );
        }
        assert!(!errors.contains("panicked"), "round {round}: {errors}");
        // Lines printed before the kill were reported saved too.
        lines.extend(rx.try_iter());

        // The child writes in feed order: line k is write `first + k`.
        for (k, line) in lines.iter().enumerate() {
            let n = first + k as u64;
            let (item, g, _) = write_n(&items, n);
            assert_eq!(
                line,
                &format!("已保存\t{item}\t{}", g.label()),
                "round {round}"
            );
            reported.insert(item.to_string(), n);
            partial.remove(item);
            total_reported += 1;
        }
        // The one write that may have been under way at the kill.
        let in_flight = first + lines.len() as u64;

        let (out, stored) = show(&data, &id);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        rebuilt += usize::from(err.contains("数据库无法打开"));
        healed += usize::from(err.contains("已从它的日志重建"));
        let stored = match stored {
            Some(s) => s,
            None => {
                // Never expected: counted, then recovered, to see whether anything is lost.
                needed_recover.push(format!("round {round}: {}", shown(&out)));
                let out = cli(&data, &["recover"]);
                no_panic(&out, "pingshen recover");
                show(&data, &id).1.unwrap_or_else(|| {
                    panic!(
                        "round {round}: the store cannot be read even after recover; \
                         earlier: {needed_recover:?}"
                    )
                })
            }
        };
        for (item, &n) in &reported {
            let a = stored.get(item).unwrap_or_else(|| {
                panic!("round {round}: {item} was reported saved (write {n}) and is missing")
            });
            let stored_n = counter_of(&a.note).unwrap_or_else(|| {
                panic!("round {round}: {item}: the note of write {n} is gone: {a:?}")
            });
            assert!(
                stored_n >= n,
                "round {round}: {item} went back from write {n} to {stored_n}"
            );
            let (_, g, _) = write_n(&items, stored_n);
            if a.grade.as_deref() == Some(json_grade(g).as_str()) {
                continue;
            }
            // Grade of a later write, note of an earlier one: only the write under way
            // at a kill may be there in part (its grade entry, not its note entry).
            let later = partial.get(item).copied().or_else(|| {
                (write_n(&items, in_flight).0 == item && in_flight > stored_n).then_some(in_flight)
            });
            let (_, lg, _) = write_n(&items, later.unwrap_or(stored_n));
            assert!(
                later.is_some() && a.grade.as_deref() == Some(json_grade(lg).as_str()),
                "round {round}: {item}: grade {:?} and note {:?} are of no one write \
                 (reported: write {n})",
                a.grade,
                a.note
            );
            if partial.insert(item.clone(), later.unwrap()).is_none() {
                torn += 1;
            }
        }
    }

    // The inspections done with, once more: nothing reported saved went missing later.
    done.push((id, reported));
    for (id, reported) in &done {
        let stored = show(&data, id)
            .1
            .unwrap_or_else(|| panic!("{id} cannot be read"));
        for (item, &n) in reported {
            let stored_n = stored.get(item).and_then(|a| counter_of(&a.note));
            assert!(
                stored_n.is_some_and(|s| s >= n),
                "{id} {item}: reported saved as write {n}, now {:?}",
                stored.get(item)
            );
        }
    }
    // Every journal still reads as one chain with good signatures.
    let out = cli(&data, &["verify"]);
    assert!(out.status.success(), "pingshen verify: {}", shown(&out));
    eprintln!(
        "{ROUNDS} kills ({at_start} while starting), {total_reported} grades reported saved, \
         0 lost; sled rebuilt {rebuilt}×, `show` said it caught the inspection up from its \
         journal {healed}×, {torn} writes stored in part; {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        needed_recover.is_empty(),
        "after {} of {ROUNDS} kills the store needed `pingshen recover`:\n{}",
        needed_recover.len(),
        needed_recover.join("\n")
    );
    assert!(total_reported > ROUNDS, "the child reported few saves");
}
