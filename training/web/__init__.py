"""The web plumbing the blueprints share: view helpers, forms, ids and serials in URLs, error pages, headers,
input guards, and what runs after a response is sent. Rules live in services; pages in the blueprints."""
