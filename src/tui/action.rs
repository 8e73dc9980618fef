//! What the app can be asked to do (`Action`, mostly a `Command` named in the keymap)
//! and what `update` asks the loop to do in return (`Effect`).

use std::path::PathBuf;

use ratatui::crossterm::event::KeyEvent;

use super::jobs::JobResult;

/// Where a key is pressed. Each context has its own table in the keymap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    List,
    Form,
    Walkthrough,
    Summary,
    Editor,
    Prompt,
    Confirm,
    Menu,
    Viewer,
}

impl Context {
    pub const ALL: [Context; 10] = [
        Context::Global,
        Context::List,
        Context::Form,
        Context::Walkthrough,
        Context::Summary,
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
            Context::List => &[Up, Down, Open, New, Sample, Delete, Export, Filter, Quit],
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
            ],
            Context::Summary => &[Up, Down, Open, Back],
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
            Context::List => &[Open, New, Sample, Delete, Export, Filter, Quit],
            Context::Form => &[NextField, Submit, Cancel],
            Context::Walkthrough => &[
                GradeA,
                GradeB,
                GradeC,
                GradeD,
                GradeNa,
                ClearGrade,
                EditNote,
                EditAction,
                NextPending,
                Goto,
                Search,
                Filter,
                Summary,
                Back,
            ],
            Context::Summary => &[Down, Open, Back],
            Context::Editor => &[Save, Cancel],
            Context::Prompt => &[Open, Cancel],
            Context::Confirm => &[Yes, No],
            Context::Menu => &[Open, Cancel],
            Context::Viewer => &[Down, Back],
        }
    }
}

/// A command a key can be bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Command {
    Quit,
    Help,
    Up,
    Down,
    Open,
    New,
    Sample,
    Delete,
    Export,
    Filter,
    NextField,
    PrevField,
    Submit,
    Cancel,
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
    Summary,
    EditChecklist,
    ScrollDown,
    ScrollUp,
    Top,
    Bottom,
    Back,
    Save,
    Yes,
    No,
}

impl Command {
    pub const ALL: [Command; 40] = [
        Command::Quit,
        Command::Help,
        Command::Up,
        Command::Down,
        Command::Open,
        Command::New,
        Command::Sample,
        Command::Delete,
        Command::Export,
        Command::Filter,
        Command::NextField,
        Command::PrevField,
        Command::Submit,
        Command::Cancel,
        Command::Collapse,
        Command::Expand,
        Command::Toggle,
        Command::GradeA,
        Command::GradeB,
        Command::GradeC,
        Command::GradeD,
        Command::GradeNa,
        Command::ClearGrade,
        Command::EditNote,
        Command::EditAction,
        Command::NextPending,
        Command::PrevPending,
        Command::NextFailed,
        Command::Goto,
        Command::Search,
        Command::Summary,
        Command::EditChecklist,
        Command::ScrollDown,
        Command::ScrollUp,
        Command::Top,
        Command::Bottom,
        Command::Back,
        Command::Save,
        Command::Yes,
        Command::No,
    ];

    /// The key in the keymap file.
    pub fn name(self) -> &'static str {
        use Command::*;
        match self {
            Quit => "quit",
            Help => "help",
            Up => "up",
            Down => "down",
            Open => "open",
            New => "new",
            Sample => "sample",
            Delete => "delete",
            Export => "export",
            Filter => "filter",
            NextField => "next_field",
            PrevField => "prev_field",
            Submit => "submit",
            Cancel => "cancel",
            Collapse => "collapse",
            Expand => "expand",
            Toggle => "toggle",
            GradeA => "grade_a",
            GradeB => "grade_b",
            GradeC => "grade_c",
            GradeD => "grade_d",
            GradeNa => "grade_na",
            ClearGrade => "clear_grade",
            EditNote => "edit_note",
            EditAction => "edit_action",
            NextPending => "next_pending",
            PrevPending => "prev_pending",
            NextFailed => "next_failed",
            Goto => "goto",
            Search => "search",
            Summary => "summary",
            EditChecklist => "edit_checklist",
            ScrollDown => "scroll_down",
            ScrollUp => "scroll_up",
            Top => "top",
            Bottom => "bottom",
            Back => "back",
            Save => "save",
            Yes => "yes",
            No => "no",
        }
    }

    /// What the command does, for help and hints.
    pub fn label(self) -> &'static str {
        use Command::*;
        match self {
            Quit => "退出",
            Help => "帮助",
            Up => "上移",
            Down => "下移",
            Open => "打开 / 确定",
            New => "新建检查",
            Sample => "创建示例检查",
            Delete => "删除",
            Export => "导出 JSON",
            Filter => "筛选",
            NextField => "下一项",
            PrevField => "上一项",
            Submit => "创建",
            Cancel => "取消",
            Collapse => "收起",
            Expand => "展开",
            Toggle => "展开 / 收起",
            GradeA => "评为 A",
            GradeB => "评为 B",
            GradeC => "评为 C",
            GradeD => "评为 不达标",
            GradeNa => "评为 不适用",
            ClearGrade => "清除档次",
            EditNote => "备注",
            EditAction => "整改意见",
            NextPending => "下一待评",
            PrevPending => "上一待评",
            NextFailed => "下一不达标",
            Goto => "按编号跳转",
            Search => "搜索",
            Summary => "汇总",
            EditChecklist => "编辑清单文件",
            ScrollDown => "详情下翻",
            ScrollUp => "详情上翻",
            Top => "到第一条",
            Bottom => "到最后一条",
            Back => "返回",
            Save => "保存",
            Yes => "确定",
            No => "取消",
        }
    }

    /// What the command does in `context`, where that differs from [`Command::label`].
    pub fn label_in(self, context: Context) -> &'static str {
        use Command::*;
        match (context, self) {
            (Context::Prompt | Context::Menu, Open) => "确定",
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
            (Context::Viewer, Down | Up) => "滚动",
            (Context::Viewer, Back) => "关闭",
            _ => self.hint(),
        }
    }

    /// A shorter label for the status bar, where the grade keys are one group.
    pub fn hint(self) -> &'static str {
        use Command::*;
        match self {
            GradeA => "A",
            GradeB => "B",
            GradeC => "C",
            GradeD => "不达标",
            GradeNa => "不适用",
            ClearGrade => "清除",
            Open => "打开",
            _ => self.label(),
        }
    }

    pub fn parse(name: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.name() == name)
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
