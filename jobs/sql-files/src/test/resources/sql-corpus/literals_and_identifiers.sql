-- Semicolons, dashes and comment markers inside literals and quoted identifiers split nothing.
CREATE TABLE `odd;name--x` (
  `a;b` STRING,
  `c/*d*/` INT
) WITH ('connector' = 'datagen', 'fields.a;b.length' = '5 -- not a comment /* nor this */ ;');
SELECT 'it''s; fine', '--', '/*', '*/' FROM `odd;name--x`;
