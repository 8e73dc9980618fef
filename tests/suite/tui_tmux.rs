//! The real binary in a real terminal: tmux runs `pingshen` at 120×40 with its data in
//! a temporary dir; keys go in with `send-keys`, the screen comes back with
//! `capture-pane`. Every wait polls the screen with a generous timeout instead of
//! sleeping a fixed time, so the tests do not depend on the machine's speed.
//!
//! tmux is required, like poppler-utils for the PDF tests (.ci/run installs both):
//! without it these tests fail and say how to install it, rather than pass unseen.
//!
//! The harness (`Tmux`, `cli`) is shared with `tui_unseen_tmux`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_pingshen");
const TIMEOUT: Duration = Duration::from_secs(60);

/// Fails the test with the install command when tmux is missing.
pub(crate) fn require_tmux() {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "tmux 无法运行：端到端界面测试需要它，请安装（apt-get install -y tmux）"
    );
}

/// A private tmux server (its own socket) with one session running pingshen.
pub(crate) struct Tmux {
    socket: PathBuf,
    target: String,
}

impl Tmux {
    pub(crate) fn start(work: &Path, name: &str) -> Tmux {
        Tmux::start_sized(work, name, 120, 40)
    }

    /// pingshen in a terminal of `width` × `height`.
    pub(crate) fn start_sized(work: &Path, name: &str, width: u16, height: u16) -> Tmux {
        let socket = work.join(format!("tmux-{name}.sock"));
        let t = Tmux {
            socket,
            target: name.to_string(),
        };
        let data = work.join("data");
        let config = work.join("config");
        let checklists = work.join("checklists");
        let out = t.run(&[
            "new-session",
            "-d",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            "-s",
            name,
            "-e",
            &format!("PINGSHEN_DATA_DIR={}", data.display()),
            "-e",
            &format!("PINGSHEN_CHECKLIST_DIR={}", checklists.display()),
            "-e",
            &format!("XDG_CONFIG_HOME={}", config.display()),
            // Reports and exports into the test's own folder, never the user's.
            "-e",
            &format!("PINGSHEN_OUTPUT_DIR={}", work.join("out").display()),
            "-e",
            "LANG=C.UTF-8",
            // Several arguments: tmux runs the program itself, not through a shell,
            // so the pane's pid is pingshen's.
            BIN,
            "--data-dir",
            &data.display().to_string(),
        ]);
        assert!(out.status.success(), "tmux new-session: {out:?}");
        // Esc must reach the app at once, not wait to become Alt-something.
        t.run(&["set-option", "-s", "escape-time", "0"]);
        t
    }

    /// Resizes the terminal, as dragging the window's corner does.
    pub(crate) fn resize(&self, width: u16, height: u16) {
        let out = self.run(&[
            "resize-window",
            "-t",
            &self.target,
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
        assert!(out.status.success(), "resize-window: {out:?}");
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// Named keys (`Enter`, `Tab`, `C-s`, `a`).
    pub(crate) fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.target];
        args.extend_from_slice(keys);
        let out = self.run(&args);
        assert!(out.status.success(), "send-keys {keys:?}: {out:?}");
    }

    /// Literal UTF-8 text, as an input method would commit it.
    pub(crate) fn text(&self, text: &str) {
        let out = self.run(&["send-keys", "-t", &self.target, "-l", text]);
        assert!(out.status.success(), "send-keys -l: {out:?}");
    }

    /// Text pasted from the clipboard: bracketed paste when the program asked for it
    /// (pingshen does), so a line break is part of the text, not Enter.
    pub(crate) fn paste(&self, text: &str) {
        let out = self.run(&["set-buffer", "-b", "pasted", text]);
        assert!(out.status.success(), "set-buffer: {out:?}");
        let out = self.run(&[
            "paste-buffer",
            "-p",
            "-d",
            "-b",
            "pasted",
            "-t",
            &self.target,
        ]);
        assert!(out.status.success(), "paste-buffer: {out:?}");
    }

    pub(crate) fn screen(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-t", &self.target]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen shows `text`; returns the screen.
    pub(crate) fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out waiting for {text:?}; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the program in the pane has exited (the session is gone).
    pub(crate) fn wait_exit(&self) {
        let start = Instant::now();
        while self
            .run(&["has-session", "-t", &self.target])
            .status
            .success()
        {
            if start.elapsed() > TIMEOUT {
                panic!("pingshen did not exit; the screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn pane_pid(&self) -> String {
        let out = self.run(&["display-message", "-p", "-t", &self.target, "#{pane_pid}"]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

pub(crate) fn cli(work: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env("PINGSHEN_DATA_DIR", work.join("data"))
        .env("PINGSHEN_CONFIG_DIR", crate::common::config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env("PINGSHEN_CHECKLIST_DIR", work.join("checklists"))
        .output()
        .expect("pingshen runs");
    assert!(out.status.success(), "pingshen {args:?}: {out:?}");
    String::from_utf8(out.stdout).expect("utf-8")
}

fn grade_in(show: &serde_json::Value, item: &str) -> serde_json::Value {
    show["assessments"][item]["grade"].clone()
}

#[test]
fn create_grade_note_quit_and_see_it_all_again() {
    require_tmux();
    let work = tempfile::tempdir().unwrap();
    let t = Tmux::start(work.path(), "first");
    t.wait_for("还没有任何检查");

    t.keys(&["n"]);
    t.wait_for("新建检查");
    t.text("青山镇卫生院");
    t.keys(&["Tab"]);
    t.text("湖南省邵阳市双清区");
    t.keys(&["Tab", "Tab"]);
    t.text("王建国");
    t.keys(&["Tab"]);
    t.text("13800000000");
    t.keys(&["Tab", "Tab", "Tab", "Tab"]);
    t.text("张敏、李强");
    t.keys(&["C-s"]);
    // Two inspectors and no PINGSHEN_INSPECTOR: the TUI asks who is at the keyboard,
    // once, and remembers it for the next start.
    t.wait_for("你是哪位评审专家");
    t.text("2");
    t.keys(&["Enter"]);
    t.wait_for("已评 0/126");

    // Five grades, each confirmed on screen before the next.
    for (n, grade) in ["a", "b", "c", "d", "a"].iter().enumerate() {
        if n > 0 {
            t.keys(&["Tab"]);
        }
        t.keys(&[grade]);
        t.wait_for(&format!("已评 {}/126", n + 1));
    }
    let screen = t.wait_for("已保存：1.2.2 评为 A");
    assert!(screen.contains("目前结论"), "{screen}");

    // A note in Chinese on 1.2.2, two lines.
    t.keys(&["e"]);
    t.wait_for("备注 · 1.2.2");
    t.text("现场查看：发热诊室设置规范");
    t.keys(&["Enter"]);
    t.text("第二行：抽查病历10份");
    t.keys(&["C-s"]);
    t.wait_for("已保存：1.2.2 的备注");

    t.keys(&["q"]);
    t.wait_for("检查列表（1 次检查）");
    t.keys(&["q"]);
    t.wait_exit();
    drop(t);

    // Start again: the list shows the progress, the walkthrough the grades and note.
    let t = Tmux::start(work.path(), "second");
    t.wait_for("5/126");
    t.keys(&["Enter"]);
    t.wait_for("已评 5/126");
    t.keys(&["g"]);
    t.wait_for("跳到条款");
    t.text("1.2.2");
    t.keys(&["Enter"]);
    let screen = t.wait_for("现场查看：发热诊室设置规范");
    assert!(screen.contains("第二行：抽查病历10份"), "{screen}");
    assert!(screen.contains("当前档次：A"), "{screen}");
    for (grade, item) in [
        ("A ", "1.1.1"),
        ("B ", "1.1.2"),
        ("C ", "1.1.3"),
        ("D ", "1.2.1"),
    ] {
        assert!(
            screen.contains(&format!("{grade} {item}")),
            "{grade}{item} on screen:\n{screen}"
        );
    }
    t.keys(&["C-c"]);
    t.wait_exit();
    drop(t);

    // And the headless view agrees.
    let list: serde_json::Value =
        serde_json::from_str(&cli(work.path(), &["list", "--json"])).unwrap();
    let id = list[0]["inspection"]["id"].as_str().unwrap().to_string();
    let show: serde_json::Value =
        serde_json::from_str(&cli(work.path(), &["show", &id, "--json"])).unwrap();
    assert_eq!(show["inspection"]["institution"]["name"], "青山镇卫生院");
    assert_eq!(show["inspection"]["inspectors"][1], "李强");
    assert_eq!(grade_in(&show, "1.1.1"), "A");
    assert_eq!(grade_in(&show, "1.2.1"), "D");
    assert_eq!(
        show["assessments"]["1.2.2"]["note"],
        "现场查看：发热诊室设置规范\n第二行：抽查病历10份"
    );
    // Every change is credited to the inspector who said it was them, 李强, in
    // both runs, and signed by this laptop's key.
    assert_eq!(show["assessments"]["1.1.1"]["by"], "李强");
    assert_eq!(show["assessments"]["1.2.2"]["by"], "李强");
    let history = cli(work.path(), &["history", &id]);
    assert!(!history.contains("张敏"), "{history}");
}

#[test]
fn a_grade_shown_as_saved_survives_sigkill() {
    require_tmux();
    let work = tempfile::tempdir().unwrap();
    let id = cli(
        work.path(),
        &[
            "new",
            "--checklist",
            "township-2022",
            "--institution",
            "青山镇卫生院",
            "--region",
            "双清区",
            "--inspector",
            "张敏",
            "--date",
            "2026-11-23",
        ],
    )
    .trim()
    .to_string();
    let t = Tmux::start(work.path(), "kill");
    t.wait_for("青山镇卫生院");
    t.keys(&["Enter"]);
    t.wait_for("已评 0/121");
    t.keys(&["b"]);
    t.wait_for("已保存：1.1.1 评为 B");
    let pid = t.pane_pid();
    let killed = Command::new("kill").args(["-KILL", &pid]).status().unwrap();
    assert!(killed.success(), "kill -KILL {pid}");
    t.wait_exit();
    drop(t);

    let show: serde_json::Value =
        serde_json::from_str(&cli(work.path(), &["show", &id, "--json"])).unwrap();
    assert_eq!(grade_in(&show, "1.1.1"), "B");
}
