//! Who is acting in the TUI: the same order as the CLI ([`crate::identity::acting`]) —
//! `PINGSHEN_INSPECTOR`, the laptop identity's name when it is one of the
//! inspection's inspectors, the only inspector — and otherwise the TUI asks once,
//! remembers the answer for that inspection (`acting.toml` in the config dir) and
//! shows it at the right of the status line. A key (`w`) asks again, to switch.

use std::collections::BTreeMap;

use crate::identity::acting;
use crate::tui::app::{App, Status};
use crate::tui::popups::{Popup, Prompt, PromptKind};

impl App {
    /// The name changes to the open inspection are recorded under, or `None` after
    /// asking (a prompt opens; the change asked for is not made).
    pub(crate) fn actor(&mut self) -> Option<String> {
        let w = self.walk.as_ref()?;
        let found = self.actor_of(&w.inspection.id, &w.inspection.inspectors);
        if found.is_none() {
            self.ask_who(AfterWho::Retry);
        }
        found
    }

    /// The key that changes who is acting: asks among the inspection's inspectors;
    /// the answer is remembered for this inspection, as the first one is.
    pub(crate) fn switch_inspector(&mut self) {
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        if let [only] = w.inspection.inspectors.as_slice() {
            self.status = Some(Status::info(format!(
                "这次检查只有一位评审专家（{only}），修改都记在他的名下"
            )));
            return;
        }
        self.ask_who(AfterWho::Switched);
        let now = self
            .walk
            .as_ref()
            .and_then(|w| self.actor_of(&w.inspection.id, &w.inspection.inspectors));
        self.status = Some(Status::info(match now {
            Some(n) => format!("换操作人：现在是 {n}；输入另一位的姓名或序号"),
            None => "换操作人：输入姓名或序号".to_string(),
        }));
    }

    /// The actor for inspection `id` with `inspectors`, without asking.
    pub(crate) fn actor_of(&self, id: &str, inspectors: &[String]) -> Option<String> {
        if let Some(n) = self.acting.get(id) {
            return Some(n.clone());
        }
        acting(
            None,
            self.options.inspector.as_deref(),
            self.store.identity().name(),
            inspectors,
        )
        .ok()
        .map(|(n, _)| n)
    }

    /// Opens the question «你是哪位评审专家？» for the open inspection.
    pub(crate) fn ask_who(&mut self, then: AfterWho) {
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        let asking = Asking {
            key: w.inspection.id.clone(),
            inspectors: w.inspection.inspectors.clone(),
            then,
        };
        self.ask(asking);
    }

    /// Asks who is acting among `asking.inspectors`.
    pub(crate) fn ask(&mut self, asking: Asking) {
        let names: Vec<String> = asking
            .inspectors
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{} {n}", i + 1))
            .collect();
        let mut prompt = Prompt::new(PromptKind::Acting, "");
        prompt.detail = Some(format!(
            "评审专家：{}。输入姓名或序号；之后的修改都记在此人名下。",
            names.join("  ")
        ));
        self.popups.push(Popup::Prompt(prompt));
        self.asking = Some(asking);
        self.status = Some(Status::info("请先说明你是哪位评审专家，修改会记在你的名下"));
    }

    /// The answer to [`App::ask`]: a name of the inspectors asked about, or its
    /// number in the list.
    pub(crate) fn who_answered(&mut self, text: &str) {
        let Some(asking) = self.asking.take() else {
            return;
        };
        let text = crate::text::clean_line(text);
        let chosen = text
            .parse::<usize>()
            .ok()
            .and_then(|n| asking.inspectors.get(n.wrapping_sub(1)))
            .or_else(|| asking.inspectors.iter().find(|n| **n == text))
            .cloned();
        let Some(name) = chosen else {
            let why = format!(
                "「{}」不是评审专家之一（{}），没有记住；请输入其中一位的姓名或序号",
                crate::text::for_terminal_line(&text),
                asking.inspectors.join("、")
            );
            self.ask(asking);
            self.status = Some(Status::warning(why));
            return;
        };
        self.acting.insert(asking.key.clone(), name.clone());
        self.save_acting();
        match asking.then {
            AfterWho::Nothing => {
                self.status = Some(Status::info(format!(
                    "好的，{name}：之后的修改都记在你的名下"
                )));
            }
            AfterWho::Retry => {
                self.status = Some(Status::info(format!(
                    "好的，{name}：修改记在你的名下。刚才的键没有生效，请再按一次"
                )));
            }
            AfterWho::Switched => {
                self.status = Some(Status::info(format!(
                    "已换操作人：之后的修改记在 {name} 的名下"
                )));
            }
            AfterWho::SubmitForm => self.submit_form(),
        }
    }
}

/// Where the answers are kept between runs: `acting.toml` in the config dir, one
/// `inspection id = "name"` a line.
fn acting_file(config_dir: &std::path::Path) -> std::path::PathBuf {
    config_dir.join("acting.toml")
}

/// The answers kept from earlier runs (none when there is no file or it does not
/// read: the TUI then asks again, which loses nothing).
pub fn load_acting(config_dir: Option<&std::path::Path>) -> BTreeMap<String, String> {
    config_dir
        .and_then(|d| std::fs::read_to_string(acting_file(d)).ok())
        .and_then(|t| toml::from_str::<BTreeMap<String, String>>(&t).ok())
        .map(|m| {
            m.into_iter()
                .filter(|(id, name)| {
                    crate::store::gate::is_inspection_id(id)
                        && !name.is_empty()
                        && crate::text::clean_line(name) == *name
                })
                .collect()
        })
        .unwrap_or_default()
}

impl App {
    /// Keeps the answers for the next run; a failure only means asking again then.
    pub(crate) fn save_acting(&self) {
        let Some(dir) = &self.options.config_dir else {
            return;
        };
        let kept: BTreeMap<&String, &String> = self
            .acting
            .iter()
            .filter(|(id, _)| crate::store::gate::is_inspection_id(id))
            .collect();
        if let Ok(text) = toml::to_string(&kept) {
            let text = format!(
                "# 在这台电脑上，各次检查由哪位评审专家操作（pingshen 界面中回答过的）\n{text}"
            );
            let _ = crate::store::write_atomically(&acting_file(dir), text);
        }
    }
}

/// A question «你是哪位评审专家？» open: for which inspection (empty for the
/// new-inspection form), among whom, and what follows the answer.
#[derive(Debug, Clone)]
pub struct Asking {
    pub key: String,
    pub inspectors: Vec<String>,
    pub then: AfterWho,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterWho {
    /// Asked on opening the inspection.
    Nothing,
    /// Asked by a key that changes something (not made: pressed again after).
    Retry,
    /// The switch key.
    Switched,
    SubmitForm,
}

/// The key [`App::acting`] remembers the form's answer under.
pub const NEW_FORM: &str = "";
