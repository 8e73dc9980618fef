//! Where a key is pressed: each context has its own table in the keymap, its own
//! commands, and the hints the status bar shows there.

use super::action::Command;

/// Where a key is pressed. Each context has its own table in the keymap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    List,
    Form,
    Walkthrough,
    Summary,
    Conflicts,
    Compare,
    Editor,
    Prompt,
    Confirm,
    Menu,
    Viewer,
}

impl Context {
    pub const ALL: [Context; 12] = [
        Context::Global,
        Context::List,
        Context::Form,
        Context::Walkthrough,
        Context::Summary,
        Context::Conflicts,
        Context::Compare,
        Context::Editor,
        Context::Prompt,
        Context::Confirm,
        Context::Menu,
        Context::Viewer,
    ];

    /// The table name in the keymap file.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::List => "list",
            Context::Form => "form",
            Context::Walkthrough => "walkthrough",
            Context::Summary => "summary",
            Context::Conflicts => "conflicts",
            Context::Compare => "compare",
            Context::Editor => "editor",
            Context::Prompt => "prompt",
            Context::Confirm => "confirm",
            Context::Menu => "menu",
            Context::Viewer => "viewer",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "任何界面",
            Context::List => "检查列表",
            Context::Form => "新建检查",
            Context::Walkthrough => "逐条评审",
            Context::Summary => "评审汇总",
            Context::Conflicts => "冲突裁定",
            Context::Compare => "与上次评审对比",
            Context::Editor => "备注 / 整改意见编辑",
            Context::Prompt => "输入框（跳转、搜索、筛选）",
            Context::Confirm => "确认框",
            Context::Menu => "筛选菜单",
            Context::Viewer => "帮助和消息窗口",
        }
    }

    pub fn parse(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
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
            Context::Form => &[NextField, PrevField, Submit, Cancel],
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
                EditNote,
                EditAction,
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
                Conflicts,
                Compare,
            ],
            Context::Summary => &[Up, Down, Open, Back, Report, Compare],
            Context::Conflicts => &[
                Take1, Take2, Take3, Take4, Take5, Take6, Take7, Take8, Take9, Up, Down,
                ScrollDown, ScrollUp, Back,
            ],
            Context::Compare => &[Up, Down, ScrollDown, ScrollUp, Top, Bottom, Open, Back],
            Context::Editor => &[Save, Cancel],
            Context::Prompt => &[Open, Cancel],
            Context::Confirm => &[Yes, No],
            Context::Menu => &[Up, Down, Open, Cancel],
            Context::Viewer => &[Up, Down, ScrollDown, ScrollUp, Back],
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
                GradeA,
                GradeB,
                GradeC,
                GradeD,
                GradeNa,
                ClearGrade,
                Conflicts,
                EditNote,
                EditAction,
                NextPending,
                Goto,
                Search,
                Filter,
                Summary,
                Report,
                Compare,
                Back,
            ],
            Context::Summary => &[Down, Open, Report, Compare, Back],
            Context::Conflicts => &[Take1, Down, Up, Back],
            Context::Compare => &[Down, Open, Back],
            Context::Editor => &[Save, Cancel],
            Context::Prompt => &[Open, Cancel],
            Context::Confirm => &[Yes, No],
            Context::Menu => &[Open, Cancel],
            Context::Viewer => &[Down, Back],
        }
    }
}
