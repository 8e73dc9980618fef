//! 已完成 and back from the walkthrough and the summary, through the store's rule
//! ([`Store::complete`], [`Store::reopen`]); and how the TUI says a store error's hint:
//! as a key where there is one, as a command to type where there is not.
//!
//! [`Store::complete`]: crate::store::Store::complete
//! [`Store::reopen`]: crate::store::Store::reopen

use crate::store::{Hint, Progress, StoreError};
use crate::tui::action::{Command, Context};
use crate::tui::app::{App, Status};
use crate::tui::popups::{Popup, Prompt, PromptKind};

impl App {
    /// Marks the open inspection 已完成.
    pub(crate) fn complete(&mut self) {
        let Some(by) = self.actor() else {
            return;
        };
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        let id = w.inspection.id.clone();
        self.status = Some(match self.store.complete(&id, &by) {
            Ok(_) => {
                self.reload_inspection(&id);
                Status::saved(format!(
                    "已标记为已完成。之后的修改须先按 {} 重新打开",
                    self.keymap.first_key(Context::Walkthrough, Command::Reopen)
                ))
            }
            Err(e) => self.store_error("未标记", &e),
        });
    }

    /// Asks why, then reopens (see [`App::reopen`]).
    pub(crate) fn ask_reopen(&mut self) {
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        if w.inspection.status != Progress::Completed {
            self.status = Some(Status::info("这次检查没有标记为已完成，可以直接修改"));
            return;
        }
        self.popups
            .push(Popup::Prompt(Prompt::new(PromptKind::Reopen, "")));
    }

    pub(crate) fn reopen(&mut self, reason: &str) {
        let Some(by) = self.actor() else {
            return;
        };
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        let id = w.inspection.id.clone();
        self.status = Some(match self.store.reopen(&id, &by, reason) {
            Ok(_) => {
                self.reload_inspection(&id);
                Status::saved("已重新打开，可以修改；原因已记入修改历史")
            }
            Err(e) => self.store_error("未重新打开", &e),
        });
    }

    fn reload_inspection(&mut self, id: &str) {
        if let (Some(w), Ok(i)) = (self.walk.as_mut(), self.store.get(id)) {
            w.inspection = i;
        }
    }

    /// A store error for the status line: what failed and, first, what to do here
    /// (the line is cut at the screen's edge, the way out must not be), then why.
    pub(crate) fn store_error(&self, what: &str, e: &StoreError) -> Status {
        match e.hint() {
            Some(hint) => Status::error(format!("{what}（{}）：{e}", self.say(&hint))),
            None => Status::error(format!("{what}：{e}")),
        }
    }

    /// `hint` as this face says it.
    fn say(&self, hint: &Hint) -> String {
        let key = |ctx, cmd| self.keymap.first_key(ctx, cmd);
        match hint {
            Hint::Reopen { .. } => format!(
                "按 {} 重新打开，须写明原因",
                key(Context::Walkthrough, Command::Reopen)
            ),
            Hint::ListConflicts { .. } => {
                format!(
                    "按 {} 查看冲突",
                    key(Context::Walkthrough, Command::Conflicts)
                )
            }
            Hint::ListInspections => {
                format!(
                    "按 {} 回到检查列表查看",
                    key(Context::Walkthrough, Command::Back)
                )
            }
            Hint::ShowItems { .. } => {
                format!("按 {} 按编号跳转", key(Context::Walkthrough, Command::Goto))
            }
            Hint::ExportFirst { .. } => {
                format!(
                    "在检查列表中按 {} 导出数据",
                    key(Context::List, Command::Export)
                )
            }
            Hint::Recover => "退出后在命令行运行 pingshen recover".into(),
            Hint::TrustKeys { .. } => {
                "核对指纹后在合并窗口中接受，或在命令行运行 pingshen keys trust 指纹".into()
            }
            Hint::NameActor => "请说明你是哪位评审专家".into(),
            Hint::Assign {
                inspection,
                inspector,
            } => format!(
                "请在命令行运行 pingshen assign {inspection} --inspector {inspector} --chapter 章号"
            ),
        }
    }
}
