"""The Flask web layer of Brobyg: the app factory wires configuration, extensions and blueprints.

Imports `harvest` and `network`; nothing imports this package but the entry point.
"""

from typing import Any

from flask import Flask

from app import (
    api,
    auth,
    counts,
    database,
    errors,
    i18n,
    knowledge,
    limits,
    links,
    main,
    markdown,
    operations,
    outcomes,
    params,
    policy,
    security,
)
from app.accounts import admin_bp as users_bp
from app.accounts import bp as account_bp
from app.analysis import bp as analysis_bp
from app.audit import bp as audit_bp
from app.coding import bp as coding_bp
from app.config import load_config
from app.directory import bp as directory_bp
from app.duplicates import bp as duplicates_bp
from app.groups import bp as groups_bp
from app.harvest_design import bp as harvest_design_bp
from app.imports import bp as imports_bp
from app.initiatives import bp as initiatives_bp
from app.maps import bp as maps_bp
from app.method import bp as method_bp
from app.needs import bp as needs_bp
from app.reports import bp as reports_bp
from app.substantiation import bp as substantiation_bp
from app.suggestions import bp as suggestions_bp


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure a Brobyg app; `test_config` overrides the environment."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.update(test_config)

    operations.init_app(app)  # first: the proxy fix (links) wraps its request log
    links.init_app(app)
    params.init_app(app)  # before any blueprint: its `int` converter builds their routes
    database.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    markdown.init_app(app)
    counts.init_app(app)

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(outcomes.bp)
    app.register_blueprint(harvest_design_bp)
    app.register_blueprint(duplicates_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(coding_bp)
    app.register_blueprint(analysis_bp)
    app.register_blueprint(knowledge.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(maps_bp)
    app.register_blueprint(substantiation_bp)
    app.register_blueprint(suggestions_bp)
    app.register_blueprint(directory_bp)
    app.register_blueprint(needs_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(initiatives_bp)
    app.register_blueprint(method_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(users_bp)
    limits.init_app(app)  # after the blueprints: its limits wrap their views
    policy.guard_views(app)
    database.wrap_views(app)
    return app
