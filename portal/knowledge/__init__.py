"""Knowledge base 知识库: articles, product defects, the document library and announcements."""
