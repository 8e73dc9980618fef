//! What the app can be asked to do (`Action`, mostly a `Command` named in the keymap)
//! and what `update` asks the loop to do in return (`Effect`). Where a key is pressed
//! (`Context`) is in `context.rs`.

use std::path::PathBuf;

use ratatui::crossterm::event::KeyEvent;

pub use super::context::Context;
use super::jobs::JobResult;

/// A command a key can be bound to. Its keymap name (`serialize`), its label in help
/// (`message`) and its short status-bar hint where that differs (`detailed_message`)
/// sit on the variant: a new command is one variant, and every table derives from it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::EnumIter,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumMessage,
)]
pub enum Command {
    #[strum(serialize = "quit", message = "退出")]
    Quit,
    #[strum(serialize = "help", message = "帮助")]
    Help,
    #[strum(serialize = "up", message = "上移")]
    Up,
    #[strum(serialize = "down", message = "下移")]
    Down,
    #[strum(serialize = "open", message = "打开 / 确定", detailed_message = "打开")]
    Open,
    #[strum(serialize = "new", message = "新建检查")]
    New,
    #[strum(serialize = "sample", message = "创建示例检查")]
    Sample,
    #[strum(serialize = "delete", message = "删除")]
    Delete,
    #[strum(serialize = "export", message = "导出 JSON")]
    Export,
    #[strum(serialize = "filter", message = "筛选")]
    Filter,
    #[strum(serialize = "next_field", message = "下一项")]
    NextField,
    #[strum(serialize = "prev_field", message = "上一项")]
    PrevField,
    #[strum(serialize = "submit", message = "保存", detailed_message = "保存")]
    Submit,
    #[strum(
        serialize = "pick_facility",
        message = "从机构名录中选择机构（按已填的名称或拼音首字母查找）",
        detailed_message = "选择机构"
    )]
    PickFacility,
    #[strum(serialize = "cancel", message = "取消")]
    Cancel,
    #[strum(serialize = "collapse", message = "收起")]
    Collapse,
    #[strum(serialize = "expand", message = "展开")]
    Expand,
    #[strum(serialize = "toggle", message = "展开 / 收起")]
    Toggle,
    #[strum(serialize = "grade_a", message = "评为 A", detailed_message = "A")]
    GradeA,
    #[strum(serialize = "grade_b", message = "评为 B", detailed_message = "B")]
    GradeB,
    #[strum(serialize = "grade_c", message = "评为 C", detailed_message = "C")]
    GradeC,
    #[strum(
        serialize = "grade_d",
        message = "评为 不达标",
        detailed_message = "不达标"
    )]
    GradeD,
    #[strum(
        serialize = "grade_na",
        message = "评为 不适用",
        detailed_message = "不适用"
    )]
    GradeNa,
    #[strum(
        serialize = "clear_grade",
        message = "清除档次",
        detailed_message = "清除"
    )]
    ClearGrade,
    #[strum(serialize = "attach_evidence", message = "附上佐证（照片、文件）")]
    AttachEvidence,
    #[strum(serialize = "evidence", message = "佐证材料：打开、去掉")]
    ShowEvidence,
    #[strum(serialize = "undo", message = "撤销")]
    Undo,
    #[strum(serialize = "redo", message = "重做")]
    Redo,
    #[strum(serialize = "edit_note", message = "备注")]
    EditNote,
    #[strum(serialize = "edit_action", message = "整改意见")]
    EditCorrectiveAction,
    #[strum(
        serialize = "edit_plan",
        message = "整改安排：责任科室、整改期限、状态",
        detailed_message = "整改安排"
    )]
    EditPlan,
    #[strum(
        serialize = "follow_up",
        message = "上次整改意见：记录落实情况（回头看、复核）",
        detailed_message = "上次整改"
    )]
    FollowUp,
    #[strum(
        serialize = "notice",
        message = "生成整改通知书 PDF（交给机构：按责任科室列出整改意见）",
        detailed_message = "整改通知书"
    )]
    Notice,
    #[strum(
        serialize = "edit_opinion",
        message = "综合评价（印在报告签字栏之上）",
        detailed_message = "综合评价"
    )]
    EditOpinion,
    #[strum(serialize = "next_pending", message = "下一待评")]
    NextPending,
    #[strum(serialize = "prev_pending", message = "上一待评")]
    PrevPending,
    #[strum(serialize = "next_failed", message = "下一不达标")]
    NextFailed,
    #[strum(serialize = "goto", message = "按编号跳转")]
    Goto,
    #[strum(serialize = "search", message = "搜索")]
    Search,
    #[strum(serialize = "summary", message = "汇总")]
    Summary,
    #[strum(serialize = "edit_checklist", message = "编辑清单文件")]
    EditChecklist,
    #[strum(serialize = "scroll_down", message = "详情下翻")]
    ScrollDown,
    #[strum(serialize = "scroll_up", message = "详情上翻")]
    ScrollUp,
    #[strum(serialize = "top", message = "到第一条")]
    Top,
    #[strum(serialize = "bottom", message = "到最后一条")]
    Bottom,
    #[strum(serialize = "back", message = "返回")]
    Back,
    #[strum(serialize = "save", message = "保存")]
    Save,
    #[strum(
        serialize = "phrase",
        message = "插入常用评语（本次已用的在前，再是清单的和我的）",
        detailed_message = "常用评语"
    )]
    Phrase,
    #[strum(serialize = "yes", message = "确定")]
    Yes,
    #[strum(serialize = "no", message = "取消")]
    No,
    #[strum(
        serialize = "complete",
        message = "标记为已完成（之后修改须先重新打开）",
        detailed_message = "完成"
    )]
    Complete,
    #[strum(
        serialize = "reopen",
        message = "重新打开已完成的检查（须写明原因）",
        detailed_message = "重新打开"
    )]
    Reopen,
    #[strum(
        serialize = "report",
        message = "生成评审报告（PDF）",
        detailed_message = "报告"
    )]
    Report,
    #[strum(
        serialize = "merge",
        message = "合并组员导出的文件",
        detailed_message = "合并"
    )]
    Merge,
    #[strum(
        serialize = "compare",
        message = "与上次评审对比",
        detailed_message = "对比"
    )]
    Compare,
    #[strum(
        serialize = "conflicts",
        message = "查看并裁定冲突",
        detailed_message = "裁定冲突"
    )]
    Conflicts,
    #[strum(
        serialize = "auto_advance",
        message = "评分后自动跳到下一条待评：开 / 关",
        detailed_message = "自动跳转"
    )]
    AutoAdvance,
    #[strum(
        serialize = "switch_inspector",
        message = "换操作人（本次检查的哪位评审专家在操作）",
        detailed_message = "换操作人"
    )]
    SwitchInspector,
    #[strum(
        serialize = "open_folder",
        message = "用系统的文件管理器打开所在文件夹",
        detailed_message = "打开文件夹"
    )]
    OpenFolder,
    #[strum(serialize = "take_1", message = "取版本 1")]
    Take1,
    #[strum(serialize = "take_2", message = "取版本 2")]
    Take2,
    #[strum(serialize = "take_3", message = "取版本 3")]
    Take3,
    #[strum(serialize = "take_4", message = "取版本 4")]
    Take4,
    #[strum(serialize = "take_5", message = "取版本 5")]
    Take5,
    #[strum(serialize = "take_6", message = "取版本 6")]
    Take6,
    #[strum(serialize = "take_7", message = "取版本 7")]
    Take7,
    #[strum(serialize = "take_8", message = "取版本 8")]
    Take8,
    #[strum(serialize = "take_9", message = "取版本 9")]
    Take9,
}

impl Command {
    /// Every command, in declaration order.
    pub fn all() -> impl Iterator<Item = Command> {
        <Command as strum::IntoEnumIterator>::iter()
    }

    /// The grading commands, A first: shown as one group (a/b/c/d/n 评分).
    pub const GRADES: [Command; 5] = [
        Command::GradeA,
        Command::GradeB,
        Command::GradeC,
        Command::GradeD,
        Command::GradeNa,
    ];

    /// The version-choosing commands of the conflicts view, version 1 first.
    pub const TAKE: [Command; 9] = [
        Command::Take1,
        Command::Take2,
        Command::Take3,
        Command::Take4,
        Command::Take5,
        Command::Take6,
        Command::Take7,
        Command::Take8,
        Command::Take9,
    ];

    /// Whether the command changes a grade: grading, clearing, taking a version of
    /// a conflicting item, undoing and redoing. Backspace and Delete can never be bound to these
    /// ([`crate::tui::keymap`]).
    pub fn changes_grade(self) -> bool {
        Command::GRADES.contains(&self)
            || Command::TAKE.contains(&self)
            || self == Command::ClearGrade
            || self == Command::Undo
            || self == Command::Redo
    }

    /// For `take_N`, the version it chooses (1-based).
    pub fn version(self) -> Option<usize> {
        Command::TAKE.iter().position(|c| *c == self).map(|i| i + 1)
    }

    /// The key in the keymap file.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// What the command does, for help and hints.
    pub fn label(self) -> &'static str {
        strum::EnumMessage::get_message(&self).unwrap_or_else(|| self.name())
    }

    /// What the command does in `context`, where that differs from [`Command::label`].
    pub fn label_in(self, context: Context) -> &'static str {
        use Command::*;
        match (context, self) {
            (Context::Prompt | Context::Menu, Open) => "确定",
            (Context::Menu, Take1) => "常用评语菜单：插入第 1 条",
            (Context::Menu, Take2) => "常用评语菜单：插入第 2 条",
            (Context::Menu, Take3) => "常用评语菜单：插入第 3 条",
            (Context::Menu, Take4) => "常用评语菜单：插入第 4 条",
            (Context::Menu, Take5) => "常用评语菜单：插入第 5 条",
            (Context::Menu, Take6) => "常用评语菜单：插入第 6 条",
            (Context::Menu, Take7) => "常用评语菜单：插入第 7 条",
            (Context::Menu, Take8) => "常用评语菜单：插入第 8 条",
            (Context::Menu, Take9) => "常用评语菜单：插入第 9 条",
            (Context::Summary, Open) => "跳到所选条款",
            (Context::Summary, Up) => "上一条差距",
            (Context::Summary, Down) => "下一条差距",
            (Context::Viewer, Up | Down) => "滚动一行",
            (Context::Viewer, ScrollDown) => "下翻一页",
            (Context::Viewer, ScrollUp) => "上翻一页",
            (Context::Viewer, Back) => "关闭",
            (Context::List, Up) => "上一次检查",
            (Context::List, Down) => "下一次检查",
            (Context::List, Open) => "打开检查",
            (Context::List, Filter) => "筛选（也可直接输入中文）",
            (Context::List, Quit) => "退出",
            (Context::List, Compare) => "对比：有上次评审时直接对比，否则先选上次、再选本次",
            (Context::Conflicts, Up) => "上一个冲突条款",
            (Context::Conflicts, Down) => "下一个冲突条款",
            (Context::Conflicts, ScrollDown) => "各版本内容下翻",
            (Context::Conflicts, ScrollUp) => "各版本内容上翻",
            (Context::Compare, Up) => "上一条变化",
            (Context::Compare, Down) => "下一条变化",
            (Context::Compare, ScrollDown) => "下翻一页",
            (Context::Compare, ScrollUp) => "上翻一页",
            (Context::Compare, Top) => "到第一条变化",
            (Context::Compare, Bottom) => "到最后一条变化",
            (Context::Compare, Open) => "跳到所选条款评审",
            _ => self.label(),
        }
    }

    /// A shorter label for the status bar.
    pub fn hint_in(self, context: Context) -> &'static str {
        use Command::*;
        match (context, self) {
            (Context::Prompt | Context::Menu, Open) => "确定",
            (Context::Summary, Open) => "跳到条款",
            (Context::Summary, Down) => "选择差距条款",
            (Context::Conflicts, Down) => "下一冲突",
            (Context::Conflicts, Up) => "上一冲突",
            (Context::Compare, Down) => "选择条款",
            (Context::Compare, Open) => "跳到条款",
            (Context::Viewer, Down | Up) => "滚动",
            (Context::Viewer, Back) => "关闭",
            _ => self.hint(),
        }
    }

    /// A shorter label for the status bar, where the grade keys are one group.
    pub fn hint(self) -> &'static str {
        strum::EnumMessage::get_detailed_message(&self).unwrap_or_else(|| self.label())
    }

    pub fn parse(name: &str) -> Option<Command> {
        name.parse().ok()
    }
}

/// Everything `App::update` reacts to.
#[derive(Debug)]
pub enum Action {
    /// A bound key.
    Command(Command),
    /// A key no binding claimed: typed into whatever has the focus.
    Key(KeyEvent),
    /// Text pasted as one piece (bracketed paste).
    Paste(String),
    /// `$EDITOR` returned after editing a checklist file.
    ChecklistEdited {
        path: PathBuf,
        /// The editor's own failure (it could not start, or it exited with an error).
        editor_error: Option<String>,
    },
    /// A background job finished.
    JobDone(JobResult),
}

/// What the loop does for `update`: things that need the terminal or a thread.
#[derive(Debug)]
pub enum Effect {
    Quit,
    /// Leave the terminal to `$EDITOR` on `path` at `line`, then come back.
    OpenEditor {
        path: PathBuf,
        line: usize,
    },
    /// Run slow work on the worker thread.
    Spawn(super::jobs::Job),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_parses_by_its_name_and_can_be_bound_somewhere() {
        for c in Command::all() {
            assert_eq!(Command::parse(c.name()), Some(c));
            assert!(!c.label().is_empty() && !c.hint().is_empty());
            assert!(
                Context::all().any(|ctx| ctx.commands().contains(&c)),
                "{} is in no context",
                c.name()
            );
        }
        assert_eq!(Command::Take1.name(), "take_1");
        assert_eq!(Command::GradeA.hint(), "A");
        for ctx in Context::all() {
            assert_eq!(Context::parse(ctx.name()), Some(ctx));
        }
    }
}
