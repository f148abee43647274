//! A small owned XML tree for the gateway envelopes. Intacct's documents are a few levels of
//! elements with text leaves, so a tree is simpler to build and inspect than streaming events;
//! the real client and the fake server share it so both escape and unescape the same way.

use std::fmt::Write as _;

use quick_xml::escape::{escape, resolve_predefined_entity};
use quick_xml::events::Event;

/// One element: its name, attributes, child elements and the text directly inside it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    pub fn new(name: impl Into<String>) -> Self {
        Element {
            name: name.into(),
            ..Element::default()
        }
    }

    /// A leaf element holding `text`.
    pub fn leaf(name: impl Into<String>, text: impl Into<String>) -> Self {
        Element {
            name: name.into(),
            text: text.into(),
            ..Element::default()
        }
    }

    pub fn attr(mut self, name: &str, value: impl Into<String>) -> Self {
        self.attrs.push((name.to_string(), value.into()));
        self
    }

    pub fn child(mut self, child: Element) -> Self {
        self.children.push(child);
        self
    }

    /// Adds a leaf only when there is a value: optional fields are omitted, not sent empty.
    pub fn opt_leaf(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.child(Element::leaf(name, v)),
            None => self,
        }
    }

    pub fn find(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn find_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Follows a path of child names, e.g. `["operation", "authentication", "status"]`.
    pub fn path(&self, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |e, n| e.find(n))
    }

    /// The text of a direct child, if present.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.find(name).map(|e| e.text.as_str())
    }

    /// The text of a direct child, treating an empty element as absent.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.text_of(name).filter(|t| !t.trim().is_empty())
    }

    pub fn get_attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The document as UTF-8 XML with a declaration.
    pub fn to_document(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        self.write_into(&mut out);
        out
    }

    fn write_into(&self, out: &mut String) {
        let _ = write!(out, "<{}", self.name);
        for (k, v) in &self.attrs {
            let _ = write!(out, " {k}=\"{}\"", escape(v.as_str()));
        }
        if self.children.is_empty() && self.text.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        out.push_str(&escape(self.text.as_str()));
        for c in &self.children {
            c.write_into(out);
        }
        let _ = write!(out, "</{}>", self.name);
    }

    /// Parses a document. Whitespace between elements is dropped; text is unescaped, including
    /// numeric character references.
    pub fn parse(input: &str) -> Result<Element, String> {
        let mut reader = quick_xml::Reader::from_str(input);
        let mut stack: Vec<Element> = Vec::new();
        loop {
            let event = reader.read_event().map_err(|e| e.to_string())?;
            match event {
                Event::Start(start) => stack.push(open(&start)?),
                Event::Empty(start) => {
                    let element = open(&start)?;
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(element),
                        None => return Ok(element),
                    }
                }
                Event::End(_) => {
                    let mut done = stack.pop().ok_or("unbalanced closing tag")?;
                    if !done.children.is_empty() {
                        // Mixed content does not occur in Intacct documents; indentation does.
                        done.text = done.text.trim().to_string();
                    }
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
                Event::Text(text) => {
                    if let Some(top) = stack.last_mut() {
                        top.text
                            .push_str(&text.decode().map_err(|e| e.to_string())?);
                    }
                }
                Event::CData(data) => {
                    if let Some(top) = stack.last_mut() {
                        top.text
                            .push_str(&data.decode().map_err(|e| e.to_string())?);
                    }
                }
                Event::GeneralRef(reference) => {
                    let top = stack.last_mut().ok_or("text outside the root element")?;
                    if let Some(ch) = reference.resolve_char_ref().map_err(|e| e.to_string())? {
                        top.text.push(ch);
                    } else {
                        let name = reference.decode().map_err(|e| e.to_string())?;
                        let value = resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("unknown entity &{name};"))?;
                        top.text.push_str(value);
                    }
                }
                Event::Eof => return Err("the document ended before its root element".into()),
                _ => {}
            }
        }
    }
}

fn open(start: &quick_xml::events::BytesStart<'_>) -> Result<Element, String> {
    let name = String::from_utf8(start.name().as_ref().to_vec()).map_err(|e| e.to_string())?;
    let mut element = Element::new(name);
    for attr in start.attributes() {
        let attr = attr.map_err(|e| e.to_string())?;
        let key = String::from_utf8(attr.key.as_ref().to_vec()).map_err(|e| e.to_string())?;
        let value = attr.unescape_value().map_err(|e| e.to_string())?;
        element.attrs.push((key, value.into_owned()));
    }
    Ok(element)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_survive_write_and_parse() {
        let tricky = "Fish & chips <b> \"quoted\" 'single' 🧾 שלום עולם";
        let doc = Element::new("a")
            .attr("controlid", tricky)
            .child(Element::leaf("b", tricky))
            .to_document();
        assert!(!doc.contains("& "), "ampersand must be escaped: {doc}");
        let parsed = Element::parse(&doc).unwrap();
        assert_eq!(parsed.get_attr("controlid"), Some(tricky));
        assert_eq!(parsed.text_of("b"), Some(tricky));
    }

    #[test]
    fn character_references_and_indentation_are_handled() {
        let parsed =
            Element::parse("<r>\n  <d>it&#039;s &amp; &#x1F600;</d>\n  <e/>\n</r>").unwrap();
        assert_eq!(parsed.text_of("d"), Some("it's & 😀"));
        assert_eq!(parsed.text, "");
        assert!(parsed.find("e").is_some());
        assert!(Element::parse("<r><d></r>").is_err());
    }
}
