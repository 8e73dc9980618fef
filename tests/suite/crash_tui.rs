//! Crash safety of the TUI: the real binary in tmux, grading in the walkthrough, killed
//! with SIGKILL (the pane's process) at random moments. The TUI shows a grade — in the
//! status line (`已保存：1.1.1 评为 B`) or in the tree — only after the journal write
//! returned; every grade the test saw on screen must be stored after the kill.
//!
//! One tmux server for the whole test, one session per round: start pingshen, open
//! the newest inspection, press 1–8 grades with Tab between them (Tab goes to the next
//! pending item, so no item is graded twice), kill after 0–8 of them show as saved, or
//! while pingshen starts. Then `pingshen show --json` must open the store (no
//! `recover`) and hold every grade seen. A new inspection is started before one runs
//! out of pending items.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use pingshen::scoring::Grade;

use crate::crash::{BIN, Rng, cli, json_grade, new_inspection, show, shown};

const ROUNDS: usize = 200;
const TIMEOUT: Duration = Duration::from_secs(60);
const ITEMS: usize = 121; // township-2022

/// A private tmux server (its own socket) that outlives the sessions of the rounds: a
/// session running `sleep` keeps it up.
struct Server {
    socket: PathBuf,
}

impl Server {
    fn start(work: &Path) -> Server {
        let ok = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            ok,
            "tmux 无法运行：端到端界面测试需要它，请安装（apt-get install -y tmux）"
        );
        let s = Server {
            socket: work.join("tmux.sock"),
        };
        let out = s.tmux(&["new-session", "-d", "-s", "keep", "sleep", "86400"]);
        assert!(out.status.success(), "tmux new-session: {out:?}");
        s.tmux(&["set-option", "-s", "escape-time", "0"]);
        s
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// Session `name` running pingshen on `data`, at 120×40.
    fn pingshen(&self, name: &str, data: &Path) {
        let env = |k: &str, v: &Path| format!("{k}={}", v.display());
        let out = self.tmux(&[
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            "-s",
            name,
            "-e",
            &env("PINGSHEN_DATA_DIR", data),
            "-e",
            &env("PINGSHEN_CONFIG_DIR", &crate::common::config_dir()),
            "-e",
            &env("PINGSHEN_CHECKLIST_DIR", &data.with_extension("none")),
            "-e",
            "PINGSHEN_INSPECTOR=张三",
            "-e",
            "LANG=C.UTF-8",
            // Several arguments: tmux runs the program itself, not through a shell,
            // so the pane's pid is pingshen's.
            BIN,
            "--data-dir",
            &data.display().to_string(),
        ]);
        assert!(out.status.success(), "tmux new-session: {out:?}");
    }

    fn screen(&self, name: &str) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-t", name]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, name: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", name];
        args.extend_from_slice(keys);
        let out = self.tmux(&args);
        assert!(out.status.success(), "send-keys {keys:?}: {out:?}");
    }

    fn pane_pid(&self, name: &str) -> String {
        let out = self.tmux(&["display-message", "-p", "-t", name, "#{pane_pid}"]);
        let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(
            !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()),
            "pane pid {pid:?}: {out:?}"
        );
        pid
    }

    fn alive(&self, name: &str) -> bool {
        self.tmux(&["has-session", "-t", name]).status.success()
    }

    /// Polls the screen until `done` holds (every screen seen goes to `seen`).
    fn wait_until(
        &self,
        name: &str,
        seen: &mut Vec<String>,
        what: &str,
        done: impl Fn(&str) -> bool,
    ) {
        let start = Instant::now();
        loop {
            let screen = self.screen(name);
            let ok = done(&screen);
            seen.push(screen);
            if ok {
                return;
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "timed out waiting for {what}; the screen:\n{}",
                    seen.last().unwrap()
                );
            }
            std::thread::sleep(Duration::from_millis(3));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// The walkthrough header's `已评 N/121`.
fn graded_on(screen: &str) -> Option<usize> {
    let rest = screen.split("已评 ").nth(1)?;
    rest.split('/').next()?.trim().parse().ok()
}

/// How many of this round's grades `screen` shows as saved. The grade keys of a round
/// land on the pending items in checklist order (`pending[k]` gets `grades[k]`), and
/// pingshen handles them one after another, so a screen showing the k-th as saved
/// shows the ones before it saved too. Three signs, each taken only when it fits
/// (a screen caught in the middle of a redraw can mix two frames):
/// - the header's `已评 N/121`, from `before` up to `before + grades.len()`;
/// - the status line's `已保存：ITEM 评为 G` for `pending[k]` and `grades[k]`;
/// - a tree row (`A  1.1.1 …`) for `pending[k]` with `grades[k]`, for that one.
///
/// Returns the number shown saved as a prefix, and single ones seen beyond it.
fn shown_saved(
    screen: &str,
    before: usize,
    pending: &[String],
    grades: &[Grade],
) -> (usize, Vec<usize>) {
    let m = grades.len();
    let mut prefix = graded_on(screen)
        .filter(|n| (before..=before + m).contains(n))
        .map_or(0, |n| n - before);
    let mut single = Vec::new();
    let at = |item: &str, g: Grade| (0..m).find(|&k| pending[k] == item && grades[k] == g);
    for line in screen.lines() {
        if let Some(rest) = line.split("已保存：").nth(1)
            && let Some((item, grade)) = rest.split_once(" 评为 ")
            && let Some(g) = Grade::parse(grade.trim())
            && let Some(k) = at(item.trim(), g)
        {
            prefix = prefix.max(k + 1);
        }
        // The tree is the left pane: `│    A  1.1.1 title…│`.
        if let Some(left) = line.strip_prefix('│').and_then(|l| l.split('│').next()) {
            let mut words = left.split_whitespace();
            if let (Some(g), Some(item)) = (words.next(), words.next())
                && let Some(g) = Grade::parse(g)
                && let Some(k) = at(item.trim_end_matches('★'), g)
            {
                single.push(k);
            }
        }
    }
    (prefix, single)
}

#[test]
fn grades_shown_as_saved_survive_sigkill_of_the_tui() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    let server = Server::start(work.path());
    let mut rng = Rng::seeded("grades_shown_as_saved_survive_sigkill_of_the_tui");
    let started = Instant::now();

    // Inspection -> item -> the grade seen on screen as saved.
    let mut seen_saved: BTreeMap<String, BTreeMap<String, Grade>> = BTreeMap::new();
    let mut id = String::new();
    let mut name = String::new();
    let mut stored_count = ITEMS;
    let items = crate::crash::township_items();
    assert_eq!(items.len(), ITEMS);
    // The items without a grade, in checklist order: where the grade keys land.
    let mut pending: Vec<String> = Vec::new();
    let (mut at_start, mut pressed, mut seen_total) = (0, 0, 0);
    let mut needed_recover = Vec::new();

    for round in 0..ROUNDS {
        // Each round presses at most 8 grades: start another inspection before the
        // pending items run out (the newest one is first in the list).
        if ITEMS - stored_count < 10 {
            name = format!("青山镇卫生院{round}");
            id = new_inspection(&data, &name, "2026-11-23");
            stored_count = 0;
            pending = items.clone();
        }
        let session = format!("r{round}");
        server.pingshen(&session, &data);
        let spawned = Instant::now();
        let pid = server.pane_pid(&session);
        let mut screens = Vec::new();
        let mut grades: Vec<Grade> = Vec::new();
        let before = stored_count;

        if rng.below(6) == 0 {
            // While it starts: opening the store, catching up, drawing the list.
            at_start += 1;
            let at = spawned + Duration::from_millis(rng.below(150));
            std::thread::sleep(at.saturating_duration_since(Instant::now()));
            screens.push(server.screen(&session));
        } else {
            server.wait_until(&session, &mut screens, "the list", |s| {
                s.contains(&name) && s.contains("检查列表")
            });
            server.keys(&session, &["Enter"]);
            let header = format!(" {name} · ");
            server.wait_until(&session, &mut screens, "the walkthrough", |s| {
                s.contains(&header) && graded_on(s) == Some(before)
            });
            let m = 1 + rng.below(8) as usize;
            let mut keys = Vec::new();
            for k in 0..m {
                if k > 0 {
                    keys.push("Tab");
                }
                let g = rng.below(4) as usize;
                keys.push(["a", "b", "c", "d"][g]);
                grades.push([Grade::A, Grade::B, Grade::C, Grade::D][g]);
            }
            pressed += m;
            let wait_for = rng.below(m as u64 + 1) as usize;
            server.keys(&session, &keys);
            if wait_for > 0 {
                server.wait_until(&session, &mut screens, "the grades", |s| {
                    graded_on(s).is_some_and(|n| n >= before + wait_for)
                });
            }
            std::thread::sleep(Duration::from_micros(rng.below(5000)));
            // The last look before the kill: what it shows was shown.
            screens.push(server.screen(&session));
        }
        let killed = Command::new("kill").args(["-KILL", &pid]).status().unwrap();
        assert!(killed.success(), "round {round}: kill -KILL {pid}");
        let start = Instant::now();
        while server.alive(&session) {
            assert!(
                start.elapsed() < TIMEOUT,
                "round {round}: pingshen {pid} did not die"
            );
            std::thread::sleep(Duration::from_millis(2));
        }

        let mine = seen_saved.entry(id.clone()).or_default();
        let mut acked = std::collections::BTreeSet::new();
        for screen in &screens {
            let (prefix, single) = shown_saved(screen, before, &pending, &grades);
            acked.extend(0..prefix);
            acked.extend(single);
        }
        for &k in &acked {
            mine.insert(pending[k].clone(), grades[k]);
        }
        seen_total += acked.len();

        let (out, stored) = show(&data, &id);
        let stored = match stored {
            Some(s) => s,
            None => {
                needed_recover.push(format!("round {round}: {}", shown(&out)));
                let _ = cli(&data, &["recover"]);
                show(&data, &id).1.unwrap_or_else(|| {
                    panic!("round {round}: unreadable even after recover: {needed_recover:?}")
                })
            }
        };
        for (item, g) in mine.iter() {
            let a = stored.get(item);
            assert_eq!(
                a.and_then(|a| a.grade.clone()),
                Some(json_grade(*g)),
                "round {round}: {item} was shown saved as {g:?}; stored: {a:?}\nlast screen:\n{}",
                screens.last().unwrap()
            );
        }
        stored_count = stored.values().filter(|a| a.grade.is_some()).count();
        pending = items
            .iter()
            .filter(|i| stored.get(*i).is_none_or(|a| a.grade.is_none()))
            .cloned()
            .collect();
    }

    // The earlier inspections, once more.
    for (id, mine) in &seen_saved {
        let stored = show(&data, id).1.unwrap();
        for (item, g) in mine {
            assert_eq!(
                stored.get(item).and_then(|a| a.grade.clone()),
                Some(json_grade(*g)),
                "{id} {item}"
            );
        }
    }
    let out = cli(&data, &["verify"]);
    assert!(out.status.success(), "pingshen verify: {}", shown(&out));
    eprintln!(
        "{ROUNDS} kills of the TUI ({at_start} while starting), {pressed} grades pressed, \
         {seen_total} seen saved on screen, 0 lost, in {} inspections; {:.1} s ({:.0} ms a round)",
        seen_saved.len(),
        started.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64() * 1000.0 / ROUNDS as f64
    );
    assert!(
        needed_recover.is_empty(),
        "after {} of {ROUNDS} kills the store needed `pingshen recover`:\n{}",
        needed_recover.len(),
        needed_recover.join("\n")
    );
    assert!(seen_total > ROUNDS, "few grades were seen saved");
}
