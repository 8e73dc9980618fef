//! A yes/no question before anything that loses or changes data.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Followup, Step, centered};
use crate::checklist::{Checklist, Source};
use crate::store::RepinReport;
use crate::text::wrap;
use crate::tui::action::{Action, Command, Context};
use crate::tui::keymap::Keymap;
use crate::tui::views::theme;

/// Moving an inspection to the edited version of its checklist, as offered.
pub struct RepinOffer {
    pub inspection_id: String,
    pub checklist: Checklist,
    pub source: Source,
    pub report: RepinReport,
}

/// What is asked; on yes it goes back to the app.
pub enum Confirmation {
    /// Take a file off an item's evidence (the removal is recorded; the kept file
    /// stays in the data dir).
    RemoveEvidence {
        item_id: String,
        evidence: crate::store::Evidence,
    },
    DeleteInspection {
        id: String,
        name: String,
    },
    DiscardEdit,
    /// Another sample inspection, when there are inspections already.
    CreateSample,
    QuitDiscarding,
    CancelForm,
    Repin(Box<RepinOffer>),
    /// Copy the built-in checklist into the user checklist dir and edit it.
    CopyBuiltin {
        lines: Vec<String>,
    },
    /// Make a report while items are pending (a draft): the question the domain asks.
    DraftReport {
        question: String,
    },
    /// Trust keys seen for the first time, then merge the files again.
    TrustKeys {
        paths: Vec<std::path::PathBuf>,
        keys: Vec<crate::store::Untrusted>,
    },
}

pub struct Confirm {
    pub what: Confirmation,
    pub title: String,
    pub body: Vec<String>,
    /// Built from the live keymap when opened.
    footer: String,
}

impl Confirm {
    pub fn new(what: Confirmation, keymap: &Keymap) -> Confirm {
        let (title, body) = match &what {
            Confirmation::DeleteInspection { id, name } => (
                "删除检查".to_string(),
                vec![
                    format!("删除「{name}」（编号 {id}）的检查及其全部评分、备注和历史？"),
                    "删除前会自动把它导出备份到数据目录的 deleted/ 中，可以用 pingshen import 恢复。".to_string(),
                ],
            ),
            Confirmation::RemoveEvidence { item_id, evidence } => (
                "去掉佐证".to_string(),
                vec![
                    format!(
                        "从条款 {item_id} 去掉佐证「{}」？",
                        crate::text::for_terminal_line(evidence.name())
                    ),
                    "去掉会记入修改历史，可以撤销；文件仍保留在数据目录中。".to_string(),
                ],
            ),
            Confirmation::DiscardEdit => (
                "放弃修改".to_string(),
                vec!["编辑的内容还没有保存。放弃这些修改？".to_string()],
            ),
            Confirmation::CreateSample => (
                "创建示例检查".to_string(),
                vec![
                    "再创建一个示例检查（虚构的机构，预填几条评分，标明「示例」）？".to_string(),
                    format!(
                        "已有的检查不受影响；示例检查不用时可以在列表中按 {} 删除。",
                        keymap.first_key(Context::List, Command::Delete)
                    ),
                ],
            ),
            Confirmation::QuitDiscarding => (
                "退出".to_string(),
                vec!["还有没保存的内容（备注或新建检查的表单）。不保存就退出？".to_string()],
            ),
            Confirmation::CancelForm => (
                "放弃新建".to_string(),
                vec!["表单里填写的内容会丢失。放弃新建检查？".to_string()],
            ),
            Confirmation::Repin(offer) => ("清单文件已修改".to_string(), repin_lines(offer)),
            Confirmation::CopyBuiltin { lines } => ("内置清单".to_string(), lines.clone()),
            Confirmation::DraftReport { question } => {
                ("生成评审报告".to_string(), vec![question.clone()])
            }
            Confirmation::TrustKeys { keys, .. } => {
                let mut lines = vec!["文件由以下签名密钥签名，本机第一次见到：".to_string()];
                for k in keys {
                    lines.push(format!(
                        "  {}  指纹 {}",
                        crate::text::for_terminal_line(&k.name),
                        k.key.fingerprint()
                    ));
                }
                lines.push(
                    "请与本人当面或电话核对指纹。确认无误才接受：接受后本机会记住这些密钥，并合并文件。"
                        .to_string(),
                );
                ("第一次见到的签名密钥".to_string(), lines)
            }
        };
        let footer = format!(
            "{} {}   {} {}",
            keymap.label(Context::Confirm, Command::Yes),
            Command::Yes.label(),
            keymap.label(Context::Confirm, Command::No),
            Command::No.label()
        );
        Confirm {
            what,
            title,
            body,
            footer,
        }
    }

    pub fn update(&mut self, action: Action) -> Step {
        match action {
            Action::Command(Command::Yes) => {
                // The popup closes; its confirmation travels with the followup.
                let what = std::mem::replace(&mut self.what, Confirmation::DiscardEdit);
                Step::close_and(Followup::Confirmed(what))
            }
            Action::Command(Command::No) => Step::close(),
            _ => Step::keep(),
        }
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, _keymap: &Keymap) {
        let width = area.width.saturating_sub(4).min(72);
        let inner_w = width.saturating_sub(4) as usize;
        let mut lines: Vec<Line> = Vec::new();
        for para in &self.body {
            for l in wrap(para, inner_w) {
                lines.push(Line::from(l));
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(self.footer.clone(), theme::key())));
        let height = (lines.len() as u16 + 2).min(area.height);
        let rect = centered(area, width, height);
        super::clear(frame, rect);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Span::styled(format!(" {} ", self.title), theme::bold()));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let inner = crate::tui::views::padded(inner);
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

fn repin_lines(offer: &RepinOffer) -> Vec<String> {
    let r = &offer.report;
    let list = |ids: &[String]| {
        if ids.is_empty() {
            "无".to_string()
        } else if ids.len() > 12 {
            format!("{} 等 {} 条", ids[..12].join("、"), ids.len())
        } else {
            ids.join("、")
        }
    };
    let versions = if r.from_version == r.to_version {
        format!(
            "这次检查固定使用的清单《{}》（版本 {}）的文件内容已修改，版本号未变（修改清单时最好同时提高 version）。",
            offer.checklist.title, r.from_version
        )
    } else {
        format!(
            "这次检查固定使用清单《{}》的版本 {}；文件现在是版本 {}。",
            offer.checklist.title, r.from_version, r.to_version
        )
    };
    vec![
        versions,
        format!("新增条款：{}", list(&r.added)),
        format!("删除条款：{}", list(&r.removed)),
        format!("改动条款：{}", list(&r.reworded)),
        format!(
            "已评但新版本中不存在的条款（评分保留，不计入结论）：{}",
            list(&r.orphaned)
        ),
        "改用新版本（repin）？不改用时，检查继续使用原来固定的版本，什么都不会变。".to_string(),
    ]
}
