//! One file per subcommand; each is thin: it calls the library and prints.

mod check;
mod checklists;
mod paths;
mod table;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use paths::Paths;

#[derive(Parser, Debug)]
#[command(
    name = "pingshen",
    version,
    about = "评审：基层医疗卫生机构服务能力现场评审工具\nOn-site service-capability reviews of primary-care facilities"
)]
pub struct Args {
    /// 数据目录（默认为系统的本地数据目录）
    #[arg(long, global = true, env = "PINGSHEN_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// 用户清单目录：其中的 *.toml 清单与内置清单一起使用，同 id 时替换内置清单
    #[arg(
        long,
        global = true,
        env = "PINGSHEN_CHECKLIST_DIR",
        value_name = "DIR"
    )]
    pub checklist_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 检查清单文件，列出全部错误（含行号、列号和修改建议）
    Check {
        /// 要检查的 TOML 清单文件
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// 列出可用的清单（内置的和用户清单目录中的）
    Checklists,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let paths = Paths::resolve(args.data_dir, args.checklist_dir);
    match args.command {
        Some(Command::Check { files }) => check::run(&files),
        Some(Command::Checklists) => checklists::run(&paths),
        None => {
            use clap::CommandFactory;
            Args::command().print_help()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
