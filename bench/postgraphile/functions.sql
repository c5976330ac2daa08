-- Bench-only: what PostGraphile needs beside Django's tables to answer the book page, as
-- computed columns (STABLE SQL functions whose first argument is a table row: PostGraphile
-- adds each as a field of that table's type). Installed by bench.throughput into its scratch
-- database after Django's migrations; BookNest never reads these.

-- The rating summary as BookNest shows it: average (2 decimals), count, and a bucket for every
-- half-star value 0.5..5, zeros included.
create type rating_bucket as (value float8, count int);
create type rating_summary as (average float8, count int, histogram rating_bucket[]);

create function catalog_book_rating_summary(b catalog_book) returns rating_summary
language sql stable as $$
  select coalesce(round(sum(r.value * r.n) / nullif(sum(r.n), 0), 2), 0)::float8,
         coalesce(sum(r.n), 0)::int,
         array_agg((v.value::float8, coalesce(r.n, 0)::int)::rating_bucket order by v.value)
  from generate_series(1, 10) as s(i)
  cross join lateral (select (s.i / 2.0)::numeric(2, 1) as value) as v
  left join (
    select value, count(*) as n from reading_rating where book_id = b.id group by value
  ) as r on r.value = v.value
$$;

-- The authors in byline order (BookNest's `authors`: role "author", by position). PostGraphile
-- orders a relation only by indexed columns, and catalog_bookauthor.position has no index.
create function catalog_book_authors_in_order(b catalog_book) returns setof catalog_author
language sql stable as $$
  select a.* from catalog_author a
  join catalog_bookauthor ba on ba.author_id = a.id
  where ba.book_id = b.id and ba.role = 'author'
  order by ba.position, ba.id
$$;

-- Genres by name (BookNest's order); the many-to-many table alone has no order by name.
create function catalog_book_genres_by_name(b catalog_book) returns setof catalog_genre
language sql stable as $$
  select g.* from catalog_genre g
  join catalog_book_genres bg on bg.genre_id = g.id
  where bg.book_id = b.id
  order by g.name
$$;

-- The viewer's rating: the viewer is the transaction setting `booknest.viewer_id` (unset for an
-- anonymous request, as in the benchmark, so null like BookNest's answer).
create function catalog_book_viewer_rating(b catalog_book) returns reading_rating
language sql stable as $$
  select * from reading_rating
  where book_id = b.id and user_id = nullif(current_setting('booknest.viewer_id', true), '')::bigint
$$;

-- BookNest's displayName: the profile's display name, else the username.
create function accounts_user_display_name(u accounts_user) returns text
language sql stable as $$
  select coalesce(nullif((select display_name from accounts_profile where user_id = u.id), ''),
                  u.username)
$$;
