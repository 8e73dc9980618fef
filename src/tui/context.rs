//! Where a key is pressed: each context has its own table in the keymap, its own
//! commands, and the hints the status bar shows there.

use super::action::Command;

/// Where a key is pressed. Each context has its own table in the keymap, named by
/// `serialize`; `message` is its title in help.
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
pub enum Context {
    #[strum(serialize = "global", message = "任何界面")]
    Global,
    #[strum(serialize = "list", message = "检查列表")]
    List,
    #[strum(serialize = "form", message = "表单（新建检查、整改安排）")]
    Form,
    #[strum(serialize = "walkthrough", message = "逐条评审")]
    Walkthrough,
    #[strum(serialize = "summary", message = "评审汇总")]
    Summary,
    #[strum(serialize = "conflicts", message = "冲突裁定")]
    Conflicts,
    #[strum(serialize = "compare", message = "与上次评审对比")]
    Compare,
    #[strum(serialize = "editor", message = "备注 / 整改意见编辑")]
    Editor,
    #[strum(serialize = "prompt", message = "输入框（跳转、搜索、筛选）")]
    Prompt,
    #[strum(serialize = "confirm", message = "确认框")]
    Confirm,
    #[strum(serialize = "menu", message = "菜单（筛选、佐证、常用评语）")]
    Menu,
    #[strum(serialize = "viewer", message = "帮助和消息窗口")]
    Viewer,
}

impl Context {
    /// Every context, in declaration order.
    pub fn all() -> impl Iterator<Item = Context> {
        <Context as strum::IntoEnumIterator>::iter()
    }

    /// The table name in the keymap file.
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn title(self) -> &'static str {
        strum::EnumMessage::get_message(&self).unwrap_or_else(|| self.name())
    }

    pub fn parse(name: &str) -> Option<Context> {
        name.parse().ok()
    }

    /// Contexts where printable keys type text: only bindings with a modifier or a
    /// special key apply there from the global table.
    pub fn types_text(self) -> bool {
        matches!(self, Context::Form | Context::Editor | Context::Prompt)
    }

    /// The commands that may be bound in this context.
    pub fn commands(self) -> &'static [Command] {
        use Command::*;
        match self {
            Context::Global => &[Quit, Help],
            Context::List => &[
                Up, Down, Open, New, Sample, Delete, Export, Merge, Compare, Filter, Quit,
            ],
            Context::Form => &[NextField, PrevField, Submit, Cancel, PickFacility],
            Context::Walkthrough => &[
                Up,
                Down,
                Collapse,
                Expand,
                Toggle,
                GradeA,
                GradeB,
                GradeC,
                GradeD,
                GradeNa,
                ClearGrade,
                Undo,
                Redo,
                AttachEvidence,
                ShowEvidence,
                EditNote,
                EditCorrectiveAction,
                EditPlan,
                FollowUp,
                NextPending,
                PrevPending,
                NextFailed,
                Goto,
                Search,
                Filter,
                Summary,
                EditChecklist,
                ScrollDown,
                ScrollUp,
                Top,
                Bottom,
                Back,
                Report,
                Notice,
                Conflicts,
                Compare,
                Complete,
                Reopen,
                AutoAdvance,
                SwitchInspector,
            ],
            Context::Summary => &[
                Up,
                Down,
                Open,
                Back,
                EditOpinion,
                Report,
                Notice,
                Compare,
                Complete,
                Reopen,
            ],
            Context::Conflicts => &[
                Take1, Take2, Take3, Take4, Take5, Take6, Take7, Take8, Take9, Up, Down,
                ScrollDown, ScrollUp, Back,
            ],
            Context::Compare => &[Up, Down, ScrollDown, ScrollUp, Top, Bottom, Open, Back],
            Context::Editor => &[Save, Phrase, Cancel],
            Context::Prompt => &[Open, Cancel],
            Context::Confirm => &[Yes, No],
            Context::Menu => &[
                Up, Down, Open, Cancel, Take1, Take2, Take3, Take4, Take5, Take6, Take7, Take8,
                Take9,
            ],
            Context::Viewer => &[Up, Down, ScrollDown, ScrollUp, OpenFolder, Back],
        }
    }

    /// The commands the status bar names, most important first.
    pub fn hints(self) -> &'static [Command] {
        use Command::*;
        match self {
            Context::Global => &[Help, Quit],
            Context::List => &[
                Open, New, Sample, Delete, Export, Filter, Merge, Compare, Quit,
            ],
            Context::Form => &[NextField, Submit, Cancel],
            Context::Walkthrough => &[
                Reopen,
                GradeA,
                GradeB,
                GradeC,
                GradeD,
                GradeNa,
                ClearGrade,
                Undo,
                Conflicts,
                EditNote,
                EditCorrectiveAction,
                NextPending,
                Goto,
                Search,
                Filter,
                Summary,
                Report,
                Compare,
                Back,
            ],
            Context::Summary => &[
                Down,
                Open,
                EditOpinion,
                Report,
                Compare,
                Complete,
                Reopen,
                Back,
            ],
            Context::Conflicts => &[Take1, Down, Up, Back],
            Context::Compare => &[Down, Open, Back],
            Context::Editor => &[Save, Phrase, Cancel],
            Context::Prompt => &[Open, Cancel],
            Context::Confirm => &[Yes, No],
            Context::Menu => &[Open, Cancel],
            Context::Viewer => &[Down, Back],
        }
    }
}
