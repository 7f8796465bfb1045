//! A map kept as a `Vec` sorted by key, for the engine's small maps: the sessions, and NOTIFY's
//! per-mailbox state. It iterates in key order as `BTreeMap` does (so output stays
//! deterministic), with the subset of its API those maps use. The reason is size: each
//! key/value pair a `BTreeMap` is instantiated for brings its own copy of the node code
//! (insert, remove, rebalancing), 9 to 15 KB of the page's module apiece (twiggy, 2026-12-01),
//! where a sorted `Vec` needs a binary search. Lookups are O(log n), inserts and removes O(n):
//! these maps hold tens of entries (a few hundred at most), not messages.

use std::borrow::Borrow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        self.entries.get(i).map(|(_, v)| v)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        self.entries.get_mut(i).map(|(_, v)| v)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Inserts or replaces; returns the value replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let i = self.find(key).ok()?;
        Some(self.entries.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The entries whose key is `from` or after it, in order (`BTreeMap::range(from..)`).
    pub fn range_from<Q: Ord + ?Sized>(&self, from: &Q) -> impl Iterator<Item = (&K, &V)>
    where
        K: Borrow<Q>,
    {
        let start = self.entries.partition_point(|(k, _)| k.borrow() < from);
        self.entries
            .get(start..)
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

/// Collected in key order; of equal keys the last wins, as `BTreeMap`'s `collect` does.
impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut entries: Vec<(K, V)> = iter.into_iter().collect();
        // Stable: equal keys keep their order, and the last of them is kept below.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(K, V)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        VecMap { entries: out }
    }
}

/// A set kept as a sorted `Vec`: [`VecMap`] with no values, for the same reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VecSet<K>(VecMap<K, ()>);

impl<K> Default for VecSet<K> {
    fn default() -> Self {
        VecSet(VecMap::default())
    }
}

impl<K: Ord> VecSet<K> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `key` was new.
    pub fn insert(&mut self, key: K) -> bool {
        self.0.insert(key, ()).is_none()
    }

    /// Whether `key` was there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.0.remove(key).is_some()
    }

    pub fn contains<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.0.contains_key(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = &K> {
        self.0.keys()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The keys in one set and not the other, in order (`BTreeSet::symmetric_difference`).
    pub fn symmetric_difference<'a>(&'a self, other: &'a Self) -> Vec<&'a K> {
        let (mut a, mut b) = (self.iter().peekable(), other.iter().peekable());
        let mut out = Vec::new();
        loop {
            match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => match x.cmp(y) {
                    std::cmp::Ordering::Less => out.extend(a.next()),
                    std::cmp::Ordering::Greater => out.extend(b.next()),
                    std::cmp::Ordering::Equal => {
                        a.next();
                        b.next();
                    }
                },
                (Some(_), None) => out.extend(a.next()),
                (None, Some(_)) => out.extend(b.next()),
                (None, None) => return out,
            }
        }
    }
}

impl<K: Ord> FromIterator<K> for VecSet<K> {
    fn from_iter<I: IntoIterator<Item = K>>(iter: I) -> Self {
        VecSet(iter.into_iter().map(|k| (k, ())).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// The same operations on a VecMap and a BTreeMap give the same map, in the same order.
    #[test]
    fn behaves_as_a_btreemap() {
        let mut v: VecMap<u32, u32> = VecMap::new();
        let mut b: BTreeMap<u32, u32> = BTreeMap::new();
        let mut x = 7u32;
        for step in 0..2000u32 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let key = (x >> 16) % 64;
            match step % 4 {
                0 | 1 => assert_eq!(v.insert(key, step), b.insert(key, step)),
                2 => assert_eq!(v.remove(&key), b.remove(&key)),
                _ => {
                    assert_eq!(v.get(&key), b.get(&key));
                    assert_eq!(v.contains_key(&key), b.contains_key(&key));
                    if let (Some(a), Some(c)) = (v.get_mut(&key), b.get_mut(&key)) {
                        *a += 1;
                        *c += 1;
                    }
                }
            }
            assert_eq!(v.len(), b.len());
        }
        assert!(v.iter().eq(b.iter()));
        v.retain(|k, _| k % 2 == 0);
        b.retain(|k, _| k % 2 == 0);
        assert!(v.keys().eq(b.keys()));
        assert!(v.values().eq(b.values()));
        for from in [0, 5, 31, 64] {
            assert!(v.range_from(&from).eq(b.range(from..)));
        }
        let pairs = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd')];
        let v: VecMap<_, _> = pairs.into_iter().collect();
        let b: BTreeMap<_, _> = pairs.into_iter().collect();
        assert!(v.iter().eq(b.iter()));
    }

    #[test]
    fn the_set_behaves_as_a_btreeset() {
        let a: VecSet<u8> = [5, 1, 3, 3, 9].into_iter().collect();
        let b: VecSet<u8> = [3, 4, 9, 10].into_iter().collect();
        let (x, y): (BTreeSet<u8>, BTreeSet<u8>) = ([5, 1, 3, 3, 9].into(), [3, 4, 9, 10].into());
        assert!(a.iter().eq(x.iter()));
        assert_eq!(
            a.symmetric_difference(&b),
            x.symmetric_difference(&y).collect::<Vec<_>>()
        );
        let mut c = a.clone();
        assert!(!c.insert(3) && c.insert(4) && c.remove(&5) && !c.remove(&5));
        assert!(c.contains(&4) && !c.contains(&5));
        assert_eq!(c.len(), 4);
    }
}
