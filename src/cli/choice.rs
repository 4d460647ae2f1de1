//! Options whose value is one of a closed set ([`Named`]): clap reads them through the set's
//! own words, so `--help`, the man page and the shell completions list exactly the words the
//! core accepts, with their aliases answered but not listed.

use crate::model::Named;
use clap::builder::{PossibleValue, TypedValueParser};
use std::ffi::OsStr;
use std::marker::PhantomData;

/// The value parser of a [`Named`] set: `#[arg(long, value_parser = Choice::<DocKind>::new())]`.
pub struct Choice<T>(PhantomData<fn() -> T>);

impl<T> Choice<T> {
    pub fn new() -> Self {
        Self(PhantomData)
    }
}

// By hand: derives would ask `T: Clone` and `T: Default`, which the parser does not need.
impl<T> Default for Choice<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clone for Choice<T> {
    fn clone(&self) -> Self {
        Self::new()
    }
}

impl<T: Named + Send + Sync> TypedValueParser for Choice<T> {
    type Value = T;

    fn parse_ref(&self, cmd: &clap::Command, arg: Option<&clap::Arg>, value: &OsStr) -> Result<T, clap::Error> {
        let word = value.to_string_lossy();
        T::named(&word).map_err(|e| {
            let option = arg.map(|a| format!(" for '{a}'")).unwrap_or_default();
            let message = format!("invalid value '{word}'{option}: {e}\n");
            clap::Error::raw(clap::error::ErrorKind::InvalidValue, message).with_cmd(cmd)
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(T::WORDS.iter().map(|w| {
            let value = PossibleValue::new(w.slug).aliases(w.aliases.iter().copied());
            match w.about {
                "" => value,
                about => value.help(about),
            }
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DocKind;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[arg(long, value_parser = Choice::<DocKind>::new())]
        kind: DocKind,
    }

    #[test]
    fn reads_every_spelling_the_core_reads_and_names_the_choices() {
        for word in ["focus-group", "Focus group", "fg"] {
            let cli = Cli::try_parse_from(["tema", "--kind", word]);
            assert_eq!(cli.map(|c| c.kind).ok(), Some(DocKind::FocusGroup), "{word:?}");
        }
        let err = Cli::try_parse_from(["tema", "--kind", "diary"]).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("invalid value 'diary' for '--kind <KIND>': unknown kind \"diary\""), "{err}");
        assert!(err.contains("interview, focus-group, field-notes or other"), "{err}");
    }

    #[test]
    fn help_lists_the_words_but_not_the_aliases() {
        use clap::CommandFactory;
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("focus-group"), "{help}");
        assert!(!help.contains("focusgroup"), "{help}");
    }
}
