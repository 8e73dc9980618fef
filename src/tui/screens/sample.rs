//! The sample inspection (示例) offered on a first start: a made-up facility with a
//! few grades, notes and one 整改意见 filled in, so a newcomer sees the whole flow in a
//! minute. It is marked as a sample everywhere and can be deleted like any other.

use crate::checklist::Catalog;
use crate::scoring::Grade;
use crate::store::{Change, Institution, NewInspection, ReviewKind};
use crate::tui::app::{App, Status};

/// (grade, note, 整改意见) for the first items of the checklist.
const PLAN: &[(Grade, &str, &str)] = &[
    (Grade::A, "示例：资料齐全，现场与资料一致。", ""),
    (Grade::NotApplicable, "示例：该机构依规不开展此项服务。", ""),
    (
        Grade::C,
        "示例：基本要求达到；B 档要求的记录只有近 3 个月。",
        "",
    ),
    (
        Grade::D,
        "示例：现场未见相关制度文件，访谈2名工作人员均不了解。",
        "示例：一个月内制定制度并组织全员培训，保留签到和考核记录。",
    ),
    (Grade::B, "", ""),
];

impl App {
    pub(crate) fn create_sample(&mut self) {
        let catalog = Catalog::discover(self.options.checklist_dir.as_deref());
        let Some(found) = catalog
            .get("community-2022")
            .or_else(|| catalog.available.first())
        else {
            self.status = Some(Status::error("没有可用的清单，无法创建示例检查"));
            return;
        };
        let kind = found.checklist.institution_type.clone();
        let new = NewInspection {
            institution: Institution {
                name: format!("示例{kind}"),
                region: "示例市示例区".to_string(),
                kind,
                head: "张示例".to_string(),
                phone: "010-00000000".to_string(),
            },
            review_kind: ReviewKind::District,
            date: self.options.today.clone(),
            inspectors: vec!["示例专家甲".to_string(), "示例专家乙".to_string()],
            sample: true,
        };
        let inspection = match self.store.create(new, &found.checklist, &found.source) {
            Ok(i) => i,
            Err(e) => {
                self.status = Some(Status::error(format!("未创建示例检查：{e}")));
                return;
            }
        };
        let by = inspection.inspectors[0].clone();
        for ((_, _, item), (grade, note, action)) in found.checklist.items().zip(PLAN) {
            let grade = if *grade == Grade::NotApplicable && !item.allow_na {
                Grade::B
            } else {
                *grade
            };
            let mut changes = vec![Change::Grade(Some(grade))];
            if !note.is_empty() {
                changes.push(Change::Note(note.to_string()));
            }
            if !action.is_empty() {
                changes.push(Change::Action(action.to_string()));
            }
            if let Err(e) = self.store.update(&inspection.id, &item.id, &changes, &by) {
                self.status = Some(Status::error(format!("示例评分未保存：{e}")));
                return;
            }
        }
        self.list.reload(&self.store);
        self.open_walkthrough(&inspection.id);
        self.status = Some(Status::saved(format!(
            "已创建示例检查（预填 {} 条评分）。试试按键评分、写备注、看汇总；按 {} 查看全部按键",
            PLAN.len(),
            self.keymap.first_key(
                crate::tui::action::Context::Global,
                crate::tui::action::Command::Help
            )
        )));
    }
}
