//! Quiz mode: before each step, ask what comes next (which flags, which
//! state, which acknowledgment number, which call), then show the answer
//! and the explanation, keeping score. Questions are made from a timeline,
//! so they work on a scenario, a live recording or a capture alike.

use crate::explain::{self, Lang};
use crate::i18n::{msg, text};
use crate::tcp::state::{ALL_STATES, State};
use crate::timeline::{Call, Step, StepKind, Timeline, state_name};
use std::io::{self, BufRead, Write};

/// One multiple-choice question about a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// Index of the step in the timeline the question is about.
    pub step: usize,
    pub prompt: String,
    pub choices: Vec<String>,
    /// Index into `choices`.
    pub answer: usize,
}

/// A small deterministic mixer, so a quiz can be replayed with `--seed`.
fn mix(seed: u64, i: u64) -> u64 {
    let mut x = seed ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x
}

/// Put the right answer among the distractors at a seeded position.
fn arrange(right: String, wrong: Vec<String>, seed: u64, i: u64) -> (Vec<String>, usize) {
    let mut choices: Vec<String> = Vec::new();
    for w in wrong {
        if w != right && !choices.contains(&w) && choices.len() < 3 {
            choices.push(w);
        }
    }
    let at = (mix(seed, i) % (choices.len() as u64 + 1)) as usize;
    choices.insert(at, right);
    (choices, at)
}

/// Plausible wrong states: neighbours in the diagram first.
fn state_distractors(right: Option<State>, before: Option<State>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(b) = before {
        out.push(b.name().to_string());
    }
    let common = [
        State::SynReceived,
        State::Established,
        State::CloseWait,
        State::FinWait2,
        State::TimeWait,
        State::LastAck,
        State::Closing,
        State::SynSent,
    ];
    out.extend(
        common
            .iter()
            .chain(ALL_STATES.iter())
            .filter(|s| Some(**s) != right)
            .map(|s| s.name().to_string()),
    );
    out
}

/// The question for step `i`, or None when there is nothing worth asking.
pub fn question(tl: &Timeline, i: usize, seed: u64, lang: Lang) -> Option<Question> {
    let step = &tl.steps[i];
    let kind = mix(seed, i as u64 + 7) % 3;
    match step.kind {
        StepKind::Call => {
            let call = step.call?;
            let right = call.name().to_string();
            let wrong = [
                Call::Accept,
                Call::Connect,
                Call::Close,
                Call::Read,
                Call::Write,
                Call::Shutdown,
                Call::Listen,
            ]
            .iter()
            .filter(|c| **c != call)
            .map(|c| c.name().to_string())
            .collect();
            let (choices, answer) = arrange(right, wrong, seed, i as u64);
            let who = lang.side(step.side);
            let prompt = msg!(lang, "quiz-which-call", who = who);
            Some(Question {
                step: i,
                prompt,
                choices,
                answer,
            })
        }
        StepKind::Timer | StepKind::Datagram => None,
        StepKind::Segment => {
            let v = step.segment.as_ref()?;
            let to = v.from.other();
            let from_name = lang.side(v.from);
            let to_name = lang.side(to);
            let state_changes = step.before.get(to) != step.after.get(to) && !v.lost;
            if kind == 1 && state_changes {
                let right = state_name(step.after.get(to)).to_string();
                let wrong = state_distractors(step.after.get(to), step.before.get(to));
                let (choices, answer) = arrange(right, wrong, seed, i as u64);
                let prompt = msg!(
                    lang,
                    "quiz-which-state",
                    from = from_name,
                    to = to_name,
                    flags = v.seg.flags.tcpdump(),
                    name = explain::segment_name_in(v, lang)
                );
                return Some(Question {
                    step: i,
                    prompt,
                    choices,
                    answer,
                });
            }
            if kind == 2 && v.seg.flags.ack() {
                let a = v.ack_rel;
                let right = a.to_string();
                let wrong = vec![
                    a.wrapping_sub(1).to_string(),
                    a.wrapping_add(1).to_string(),
                    v.seq_rel.to_string(),
                    a.wrapping_add(v.len.max(2)).to_string(),
                ];
                let (choices, answer) = arrange(right, wrong, seed, i as u64);
                let prompt = msg!(
                    lang,
                    "quiz-which-ack",
                    from = from_name,
                    flags = v.seg.flags.tcpdump(),
                    seq = v.seq_rel
                );
                return Some(Question {
                    step: i,
                    prompt,
                    choices,
                    answer,
                });
            }
            let right = v.seg.flags.tcpdump();
            let wrong = ["[S]", "[S.]", "[.]", "[P.]", "[F.]", "[R.]", "[R]"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let (choices, answer) = arrange(right, wrong, seed, i as u64);
            let prompt = msg!(lang, "quiz-which-flags", from = from_name);
            Some(Question {
                step: i,
                prompt,
                choices,
                answer,
            })
        }
    }
}

/// Every question of a timeline (at most one per step), optionally only
/// for one stream.
pub fn questions(tl: &Timeline, stream: Option<u32>, seed: u64, lang: Lang) -> Vec<Question> {
    (0..tl.steps.len())
        .filter(|&i| stream.is_none_or(|s| tl.steps[i].stream == s))
        .filter_map(|i| question(tl, i, seed, lang))
        .collect()
}

/// Parse an answer: a letter (a-d) or a number (1-4).
pub fn parse_answer(line: &str, n: usize) -> Option<usize> {
    let t = line.trim().to_ascii_lowercase();
    let c = t.chars().next()?;
    let i = match c {
        'a'..='z' => (c as u8 - b'a') as usize,
        '1'..='9' => (c as u8 - b'1') as usize,
        _ => return None,
    };
    (i < n && t.len() == 1).then_some(i)
}

fn step_line(step: &Step, lang: Lang) -> String {
    let colon = text(lang, "colon");
    match step.kind {
        StepKind::Segment => {
            let v = step.segment.as_ref().expect("segment");
            let arrow = format!("{} -> {}", lang.side(v.from), lang.side(v.from.other()));
            format!(
                "{arrow}  {} seq={} ack={} len={}{}",
                v.seg.flags.tcpdump(),
                v.seq_rel,
                v.ack_rel,
                v.len,
                if v.lost { text(lang, "quiz-lost") } else { "" }
            )
        }
        StepKind::Call => format!(
            "{}{colon}{}",
            lang.side(step.side),
            step.call.map(|c| c.name()).unwrap_or_default()
        ),
        StepKind::Timer => format!(
            "{}{colon}{}",
            lang.side(step.side),
            text(lang, "quiz-timer-fires")
        ),
        StepKind::Datagram => match step.datagram.as_deref() {
            Some(v) => format!(
                "{} -> {}  {}",
                lang.side(v.from),
                lang.side(v.from.other()),
                msg!(lang, "udp-datagram-label", n = v.len)
            ),
            None => String::new(),
        },
    }
}

fn score_line(lang: Lang, right: usize, asked: usize) -> String {
    msg!(lang, "quiz-score", right = right, asked = asked)
}

/// The quiz on a plain terminal: questions on `output`, answers from
/// `input`. Returns (right, asked). Stops early at end of input.
pub fn run_plain(
    tl: &Timeline,
    stream: Option<u32>,
    seed: u64,
    lang: Lang,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> io::Result<(usize, usize)> {
    let qs = questions(tl, stream, seed, lang);
    let (mut right, mut asked) = (0usize, 0usize);
    let mut shown = 0usize;
    let source = explain::source_in(&tl.source, lang);
    let title = msg!(lang, "quiz-title", source = source, count = qs.len());
    writeln!(output, "{title}")?;
    for q in &qs {
        // Show what happened up to the step in question.
        for step in &tl.steps[shown..q.step] {
            if stream.is_none_or(|s| s == step.stream) {
                writeln!(output, "    {}", step_line(step, lang))?;
            }
        }
        writeln!(output)?;
        let heading = msg!(
            lang,
            "quiz-question",
            number = asked + 1,
            prompt = q.prompt.as_str()
        );
        writeln!(output, "{heading}")?;
        for (i, c) in q.choices.iter().enumerate() {
            writeln!(output, "  {}) {c}", (b'a' + i as u8) as char)?;
        }
        let answer = loop {
            write!(output, "> ")?;
            output.flush()?;
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                writeln!(output)?;
                writeln!(output, "{}", score_line(lang, right, asked))?;
                return Ok((right, asked));
            }
            match parse_answer(&line, q.choices.len()) {
                Some(a) => break a,
                None => {
                    let last = (b'a' + q.choices.len() as u8 - 1) as char;
                    let hint = msg!(lang, "quiz-answer-with", last = last.to_string());
                    writeln!(output, "{hint}")?;
                }
            }
        };
        asked += 1;
        let step = &tl.steps[q.step];
        if answer == q.answer {
            right += 1;
            writeln!(output, "{}", text(lang, "quiz-right"))?;
        } else {
            let letter = (b'a' + q.answer as u8) as char;
            let choice = &q.choices[q.answer];
            let wrong = msg!(
                lang,
                "quiz-wrong",
                letter = letter.to_string(),
                choice = choice.as_str()
            );
            writeln!(output, "{wrong}")?;
        }
        writeln!(output, "    {}", step_line(step, lang))?;
        writeln!(output, "    {}", explain::explain_in(step, lang))?;
        writeln!(output, "{}", score_line(lang, right, asked))?;
        shown = q.step + 1;
    }
    writeln!(output)?;
    let final_score = msg!(lang, "quiz-final-score", right = right, asked = asked);
    writeln!(output, "{final_score}")?;
    Ok((right, asked))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::scenario;
    use crate::source::sim::{SimConfig, Simulator};

    fn handshake() -> Timeline {
        let sc = scenario::get("handshake").unwrap();
        Simulator::run(SimConfig::default(), &sc.ops)
            .unwrap()
            .into_timeline("t".into(), String::new())
    }

    #[test]
    fn every_question_has_its_answer_among_distinct_choices() {
        let tl = handshake();
        for seed in 0..20 {
            let qs = questions(&tl, None, seed, Lang::En);
            assert!(qs.len() >= 15);
            for q in qs {
                assert!(q.choices.len() >= 2 && q.choices.len() <= 4);
                let mut sorted = q.choices.clone();
                sorted.sort();
                sorted.dedup();
                assert_eq!(sorted.len(), q.choices.len(), "{q:?}");
                let step = &tl.steps[q.step];
                let right = &q.choices[q.answer];
                // The marked answer really is the truth about the step.
                let truth: Vec<String> = match step.kind {
                    StepKind::Call => vec![step.call.unwrap().name().into()],
                    _ => {
                        let v = step.segment.as_ref().unwrap();
                        vec![
                            v.seg.flags.tcpdump(),
                            v.ack_rel.to_string(),
                            state_name(step.after.get(v.from.other())).into(),
                        ]
                    }
                };
                assert!(truth.contains(right), "{q:?}");
            }
        }
    }

    #[test]
    fn answers_parse_as_letters_or_numbers() {
        assert_eq!(parse_answer("b\n", 4), Some(1));
        assert_eq!(parse_answer(" C ", 4), Some(2));
        assert_eq!(parse_answer("4", 4), Some(3));
        assert_eq!(parse_answer("e", 4), None);
        assert_eq!(parse_answer("", 4), None);
        assert_eq!(parse_answer("ab", 4), None);
    }

    #[test]
    fn a_perfect_run_scores_full_marks_and_eof_stops_early() {
        let tl = handshake();
        let qs = questions(&tl, None, 3, Lang::En);
        let answers: String = qs
            .iter()
            .map(|q| format!("{}\n", (b'a' + q.answer as u8) as char))
            .collect();
        let mut out = Vec::new();
        let score = run_plain(&tl, None, 3, Lang::En, &mut answers.as_bytes(), &mut out).unwrap();
        assert_eq!(score, (qs.len(), qs.len()));
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(&format!("final score: {0}/{0}", qs.len())));

        let mut out = Vec::new();
        let wrong: String = qs
            .iter()
            .take(2)
            .map(|q| {
                format!(
                    "{}\n",
                    (b'a' + ((q.answer + 1) % q.choices.len()) as u8) as char
                )
            })
            .collect();
        let score = run_plain(&tl, None, 3, Lang::En, &mut wrong.as_bytes(), &mut out).unwrap();
        assert_eq!(score, (0, 2));
    }
}
