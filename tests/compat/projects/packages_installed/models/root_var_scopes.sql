-- Vars as a root node sees them: the root's own only (not a package's, nor the root's entry for a package).
select
    '{{ var("min_population", "unset") }}' as min_population,
    '{{ var("label_suffix", "unset") }}' as label_suffix,
    '{{ var("region") }}' as region
