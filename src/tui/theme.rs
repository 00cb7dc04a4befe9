//! Colours, and none at all where NO_COLOR is set or the config says so.

use ratatui::style::{Color, Modifier, Style};

use crate::policy::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub colour: bool,
}

impl Theme {
    /// Colour unless NO_COLOR is set (to anything non-empty) or the
    /// config turned it off.
    pub fn from_env(config_colours: Option<bool>) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme {
            colour: !no_color && config_colours.unwrap_or(true),
        }
    }

    fn fg(&self, colour: Color) -> Style {
        if self.colour {
            Style::new().fg(colour)
        } else {
            Style::new()
        }
    }

    pub fn status(&self, status: Status) -> Style {
        match status {
            Status::Valid => self.fg(Color::Green),
            Status::OnTrack => self.fg(Color::Yellow),
            Status::AtRisk | Status::Invalid => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        if self.colour {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn bad(&self) -> Style {
        self.fg(Color::Red)
    }

    pub fn good(&self) -> Style {
        self.fg(Color::Green)
    }

    /// The selected row: reversed, which reads without colour too.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn focus_border(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan)
        } else {
            self.dim()
        }
    }
}
