//! Long lists cut into pages of fifty by plain `?page=N` links (no JavaScript): which rows a
//! page holds, how many pages there are, reading the page number from an address, and a page
//! that owns its rows (`Paged`).

/// The query of a paged list's address: `?page=N`.
#[derive(Default, serde::Deserialize)]
pub struct PageQuery {
    pub page: Option<String>,
}

/// Rows on one page of a staff list.
pub const PAGE_SIZE: usize = 50;

/// How many pages `rows` rows fill (at least one, so an empty list still has its page).
pub fn page_count(rows: usize) -> usize {
    rows.div_ceil(PAGE_SIZE).max(1)
}

/// The page number asked for in an address; anything unreadable is the first page.
pub fn asked(page: Option<&str>) -> usize {
    page.and_then(|p| p.trim().parse().ok()).unwrap_or(1)
}

/// Page `page` (1-based, clamped to the pages there are) and its rows.
pub fn page_of<T>(rows: &[T], page: usize) -> (usize, &[T]) {
    let page = page.clamp(1, page_count(rows.len()));
    let start = ((page - 1) * PAGE_SIZE).min(rows.len());
    (page, &rows[start..(start + PAGE_SIZE).min(rows.len())])
}

/// One page of a list, owning its rows: what a paged list's page struct holds.
pub struct Paged<T> {
    pub page: usize,
    pub pages: usize,
    pub rows: Vec<T>,
}

impl<T> Paged<T> {
    /// Page `asked` (1-based, clamped to the pages there are) of `rows`.
    pub fn of(mut rows: Vec<T>, asked: usize) -> Self {
        let pages = page_count(rows.len());
        let page = asked.clamp(1, pages);
        let start = ((page - 1) * PAGE_SIZE).min(rows.len());
        rows.truncate(start + PAGE_SIZE);
        rows.drain(..start);
        Self { page, pages, rows }
    }

    /// The page asked for in an address's `?page=N`.
    pub fn from_query(rows: Vec<T>, query: &PageQuery) -> Self {
        Self::of(rows, asked(query.page.as_deref()))
    }
}

/// Which way a sorted column runs (`?dir=asc|desc`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dir {
    #[default]
    Asc,
    Desc,
}

impl Dir {
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Asc => "asc",
            Dir::Desc => "desc",
        }
    }

    pub fn parse(text: &str) -> Self {
        if text == "desc" { Dir::Desc } else { Dir::Asc }
    }

    pub fn flip(self) -> Self {
        match self {
            Dir::Asc => Dir::Desc,
            Dir::Desc => Dir::Asc,
        }
    }
}

/// A sortable column heading's link: `prefix` (an address ending in `?` or `&`) with the
/// column, the other way round when it is the `current` column.
pub fn sort_link(prefix: &str, column: &str, current: &str, dir: Dir) -> String {
    let dir = if column == current {
        dir.flip()
    } else {
        Dir::Asc
    };
    format!("{prefix}sort={column}&dir={}", dir.as_str())
}

/// A column heading's `aria-sort`.
pub fn aria_sort(column: &str, current: &str, dir: Dir) -> &'static str {
    match (column == current, dir) {
        (false, _) => "none",
        (true, Dir::Asc) => "ascending",
        (true, Dir::Desc) => "descending",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paged_list_owns_the_rows_of_its_page() {
        let paged = Paged::of((0..120).collect::<Vec<usize>>(), 3);
        assert_eq!((paged.page, paged.pages, paged.rows.len()), (3, 3, 20));
        assert_eq!(paged.rows[0], 100);
        let paged = Paged::of((0..120).collect::<Vec<usize>>(), 2);
        assert_eq!((paged.rows[0], paged.rows[49]), (50, 99));
        let empty = Paged::of(Vec::<usize>::new(), 5);
        assert_eq!((empty.page, empty.pages, empty.rows.len()), (1, 1, 0));
    }

    #[test]
    fn pages_hold_fifty_rows_and_a_page_past_the_end_shows_the_last() {
        let rows: Vec<usize> = (0..120).collect();
        assert_eq!(page_count(rows.len()), 3);
        assert_eq!(page_count(0), 1);
        let (page, shown) = page_of(&rows, 2);
        assert_eq!((page, shown.len(), shown[0]), (2, 50, 50));
        let (page, shown) = page_of(&rows, 9);
        assert_eq!((page, shown.len()), (3, 20));
        let (page, shown) = page_of(&rows, 0);
        assert_eq!((page, shown[0]), (1, 0));
        assert!(page_of::<usize>(&[], 1).1.is_empty());
        assert_eq!(asked(Some("2")), 2);
        assert_eq!(asked(Some("x")), 1);
        assert_eq!(asked(None), 1);
    }
}
