//! How the process takes memory from the system.
//!
//! The allocator (mimalloc, in `main.rs`) asks for transparent huge pages, as the system
//! allows: the kernel then backs its regions with 2 MiB pages, so a build that keeps its
//! memory takes a few hundred page faults where it would take a hundred thousand. The search
//! indexer is the other way round: it allocates and frees short-lived buffers all through the
//! build, and each 2 MiB page the allocator gives back and touches again is cleared whole. A
//! build that indexes search therefore turns huge pages off for its process before it starts
//! (measured in the README's speed section).

/// Turns transparent huge pages off for this process, from now on (memory already backed by
/// them stays so). Nothing happens where the system has no such setting.
pub fn without_huge_pages() {
    #[cfg(target_os = "linux")]
    {
        // Refused only by kernels older than 3.15, where the build runs as before.
        let _ = rustix::thread::disable_transparent_huge_pages(true);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn huge_pages_are_off_once_asked() {
        super::without_huge_pages();
        assert_eq!(
            rustix::thread::transparent_huge_pages_are_disabled().ok(),
            Some(true)
        );
    }
}
