//! The sample inspection offered on a first start; [`Store::create_sample`] makes it.
//!
//! [`Store::create_sample`]: crate::store::Store::create_sample

use crate::checklist::Catalog;
use crate::store::sample_checklist;
use crate::tui::app::{App, Status};

impl App {
    /// Makes the sample from `catalog` (read on a worker) and opens it.
    pub(crate) fn create_sample(&mut self, catalog: &Catalog) {
        let Some(found) = sample_checklist(catalog) else {
            self.status = Some(Status::error("没有可用的清单，无法创建示例检查"));
            return;
        };
        // The sample's inspectors are made up; its grades are the user's request.
        let by = self
            .options
            .inspector
            .clone()
            .or_else(|| self.store.identity().name().map(str::to_string))
            .unwrap_or_else(|| "本机用户".to_string());
        let sample = match self.store.create_sample(found, &self.options.today, &by) {
            Ok(s) => s,
            Err(e) => {
                self.status = Some(Status::error(format!("未创建示例检查：{e}")));
                return;
            }
        };
        self.list.reload(&self.store);
        self.open_walkthrough(&sample.inspection.id);
        self.status = Some(Status::saved(format!(
            "已创建示例检查（预填 {} 条评分）。试试按键评分、写备注、看汇总；按 {} 查看全部按键",
            sample.graded,
            self.keymap.first_key(
                crate::tui::action::Context::Global,
                crate::tui::action::Command::Help
            )
        )));
    }
}
