//! Horizontal bar charts drawn on the server as SVG geometry (no JavaScript, printable in
//! black and white: every bar carries its value in text beside it). The template writes the
//! elements; text is escaped there like any other.

/// Height of one bar and the gap under it, in SVG units.
const BAR: u32 = 18;
const GAP: u32 = 8;
/// Room for the bars themselves and the value written after the longest.
const PLOT: u32 = 360;
const VALUE_ROOM: u32 = 90;
/// Longest label kept whole; longer ones end with "…" (the table beside has them whole).
const LABEL_CHARS: usize = 32;

/// One bar: its label, the value as text, where it sits and how long it is.
#[derive(Clone, Debug)]
pub struct Bar {
    pub label: String,
    pub value_text: String,
    pub y: u32,
    pub text_y: u32,
    pub length: u32,
    pub value_x: u32,
}

#[derive(Clone, Debug)]
pub struct BarChart {
    pub id: String,
    pub title: String,
    pub width: u32,
    pub height: u32,
    /// Where bars start (labels end just before).
    pub left: u32,
    pub bars: Vec<Bar>,
}

/// A chart of `rows` (label, value, value as text); bar lengths are shares of `max` (a value
/// of None draws no bar, its text still shows).
pub fn bars(id: &str, title: String, rows: &[(String, Option<f64>, String)], max: f64) -> BarChart {
    let label = |text: &str| {
        if text.chars().count() > LABEL_CHARS {
            let kept: String = text.chars().take(LABEL_CHARS - 1).collect();
            format!("{kept}…")
        } else {
            text.to_string()
        }
    };
    let longest = rows
        .iter()
        .map(|(l, _, _)| label(l).chars().count())
        .max()
        .unwrap_or(0) as u32;
    let left = (longest * 7 + 12).max(60);
    let bars: Vec<Bar> = rows
        .iter()
        .enumerate()
        .map(|(i, (text, value, value_text))| {
            let y = i as u32 * (BAR + GAP) + GAP;
            let share = match value {
                Some(v) if max > 0.0 => (v / max).clamp(0.0, 1.0),
                _ => 0.0,
            };
            let length = (share * f64::from(PLOT)).round() as u32;
            Bar {
                label: label(text),
                value_text: value_text.clone(),
                y,
                text_y: y + BAR - 5,
                length,
                value_x: left + length + 6,
            }
        })
        .collect();
    BarChart {
        id: id.to_string(),
        title,
        width: left + PLOT + VALUE_ROOM,
        height: bars.len() as u32 * (BAR + GAP) + GAP,
        left,
        bars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_shares_of_the_maximum_and_long_labels_are_cut() {
        let long = "Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên huyện Mê Linh";
        let chart = bars(
            "c",
            "Tỉ lệ đạt".into(),
            &[
                ("A".into(), Some(0.5), "50 %".into()),
                (long.into(), Some(1.0), "100 %".into()),
                ("C".into(), None, "—".into()),
            ],
            1.0,
        );
        assert_eq!(chart.bars[0].length, PLOT / 2);
        assert_eq!(chart.bars[1].length, PLOT);
        assert_eq!(chart.bars[2].length, 0);
        assert!(chart.bars[1].label.ends_with('…'));
        assert_eq!(chart.bars[1].label.chars().count(), LABEL_CHARS);
        assert!(chart.bars[1].y > chart.bars[0].y);
        assert_eq!(chart.height, 3 * (BAR + GAP) + GAP);
    }
}
