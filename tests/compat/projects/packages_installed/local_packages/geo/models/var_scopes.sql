-- Vars as a package's node sees them: the root's entry for the package (min_population) over the package's own,
-- the package's own (label_suffix), the root's global (region).
select
    '{{ var("min_population") }}' as min_population,
    '{{ var("label_suffix") }}|' as label_suffix,
    '{{ var("region", "none") }}' as region
