//! A page's template context before it is built: the views by key. The page's fingerprint
//! (for reuse) is taken from these views, shared ones by their digests; the template
//! context itself is built only when the page is rendered.

use serde::Serialize;
use tera::{Context, Value};

use super::views::{self, Shared};

/// A view a page's context holds, still in its own type.
pub(super) trait View {
    /// Puts it into the template context under `key`.
    fn put(&self, ctx: &mut Context, key: &'static str);
    /// Writes its serialised form (for the fingerprint); false if it cannot be serialised.
    fn write_to(&self, out: &mut dyn std::io::Write) -> bool;
}

impl<T: Serialize> View for T {
    fn put(&self, ctx: &mut Context, key: &'static str) {
        ctx.insert(key, self);
    }
    fn write_to(&self, out: &mut dyn std::io::Write) -> bool {
        serde_json::to_writer(out, self).is_ok()
    }
}

/// A template value made late from its inputs.
pub(super) trait LazyView {
    /// The value.
    fn make(&self) -> Value;
    /// The digest of its inputs (see [`crate::incremental::value_key`]).
    fn key(&self, name: &str) -> String;
}

struct Lazy<T, F> {
    inputs: T,
    make: F,
}

impl<T: Serialize, F: Fn(&T) -> Value> LazyView for Lazy<T, F> {
    fn make(&self) -> Value {
        (self.make)(&self.inputs)
    }
    fn key(&self, name: &str) -> String {
        crate::incremental::value_key(name, &self.inputs)
    }
}

/// One entry of a page's context.
pub(super) enum Slot<'r> {
    /// A template value as it is (e.g. a string marked safe).
    Value(Value),
    /// A view shared by many pages.
    Shared(Shared),
    /// A view of this page.
    View(Box<dyn View + 'r>),
    /// A template value made only when the page is rendered, from the inputs it holds
    /// (which the page's key takes, by their digest).
    Lazy(Box<dyn LazyView + 'r>),
}

/// A page's template context before it is built: the views by key, in the order given. The
/// fingerprint is taken from these views, with shared ones by their digests; the template
/// context is built only when the page is rendered.
#[derive(Default)]
pub(super) struct PageCtx<'r> {
    slots: Vec<(&'static str, Slot<'r>)>,
}

impl<'r> PageCtx<'r> {
    pub(super) fn set(&mut self, key: &'static str, slot: Slot<'r>) {
        match self.slots.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => *old = slot,
            None => self.slots.push((key, slot)),
        }
    }

    /// Sets `key` to a view of this page.
    pub(super) fn insert<T: Serialize + 'r>(&mut self, key: &'static str, view: T) {
        self.set(key, Slot::View(Box::new(view)));
    }

    /// Sets `key` to a template value.
    pub(super) fn insert_value(&mut self, key: &'static str, value: Value) {
        self.set(key, Slot::Value(value));
    }

    /// Sets `key` to a value `make` builds from `inputs` (and the settings) alone when the
    /// page is rendered: `inputs` is what it reads, and what the page's key takes of it.
    pub(super) fn insert_lazy<T: Serialize + 'r>(
        &mut self,
        key: &'static str,
        inputs: T,
        make: impl Fn(&T) -> Value + 'r,
    ) {
        self.set(key, Slot::Lazy(Box::new(Lazy { inputs, make })));
    }

    /// Sets `key` to a shared view.
    pub(super) fn insert_shared(&mut self, key: &'static str, shared: Shared) {
        self.set(key, Slot::Shared(shared));
    }

    /// The template context.
    pub(super) fn context(&self) -> Context {
        let mut ctx = Context::new();
        for (key, slot) in &self.slots {
            match slot {
                Slot::Value(v) => ctx.insert_value(*key, v.clone()),
                Slot::Shared(s) => ctx.insert_value(*key, s.value().clone()),
                Slot::View(v) => v.put(&mut ctx, key),
                Slot::Lazy(lazy) => ctx.insert_value(*key, lazy.make()),
            }
        }
        ctx
    }

    /// Writes every view for the fingerprint, shared ones by their digests; false if one
    /// cannot be serialised.
    pub(super) fn write_to(&self, out: &mut dyn std::io::Write) -> bool {
        views::digesting(|| {
            self.slots.iter().all(|(key, slot)| {
                let ok = out.write_all(key.as_bytes()).is_ok()
                    && out.write_all(&[0]).is_ok()
                    && match slot {
                        Slot::Value(v) => serde_json::to_writer(&mut *out, v).is_ok(),
                        Slot::Shared(s) => out.write_all(s.digest().as_bytes()).is_ok(),
                        Slot::Lazy(lazy) => out.write_all(lazy.key(key).as_bytes()).is_ok(),
                        Slot::View(v) => v.write_to(out),
                    };
                ok && out.write_all(&[0]).is_ok()
            })
        })
    }
}
