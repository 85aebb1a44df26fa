"""The Flask application factory."""

from flask import Flask

from config import Config


def create_app(config: type[Config] | Config = Config) -> Flask:
    """Build the app: extensions, blueprints, error pages, CLI, and its bound Celery app."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_object(config)
    register_extensions(app)
    register_input_checks(app)
    register_converters(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_cli(app)
    from worker.app import celery_init_app

    celery_init_app(app)
    return app


def register_extensions(app: Flask) -> None:
    from app.auth.security import init_security
    from app.csp import init_csp
    from app.extensions import babel, csrf, db, login_manager, migrate
    from app.form_errors import init_form_errors
    from app.formatting import init_formatting
    from app.i18n import select_locale
    from surveys.kernel.languages import DEFAULT_LANGUAGE, TRANSLATIONS_DIR
    from surveys.kernel.settings import Settings

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        default_locale=DEFAULT_LANGUAGE,
        default_translation_directories=str(TRANSLATIONS_DIR),
        locale_selector=select_locale,
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    init_security(app)
    init_csp(app)
    init_formatting(app)
    init_form_errors(app)
    app.extensions["kaiku_settings"] = Settings.from_mapping(app.config)


def register_input_checks(app: Flask) -> None:
    from app.inputs import init_inputs

    init_inputs(app)


def register_converters(app: Flask) -> None:
    from app.converters import CustomerIdConverter

    app.url_map.converters["customer_id"] = CustomerIdConverter


def register_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.api import bp as api_bp
    from app.api.reference import bp as api_reference_bp
    from app.auth import bp as auth_bp
    from app.customers import bp as customers_bp
    from app.demo.shop import register_shop
    from app.embed import bp as embed_bp
    from app.extensions import csrf
    from app.insights import bp as insights_bp
    from app.rescue import bp as rescue_bp
    from app.respond import bp as respond_bp

    csrf.exempt(api_bp)  # bearer-key API: no cookies, so no CSRF to forge
    csrf.exempt(embed_bp)  # the widget's API: no cookies; a signed identity, allowed origins
    app.register_blueprint(respond_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(api_reference_bp)
    app.register_blueprint(embed_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(insights_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(rescue_bp, url_prefix="/rescue")
    app.register_blueprint(customers_bp, url_prefix="/customers")
    register_shop(app)  # the demo's sample company page: 404 outside `flask run-demo`


def register_error_handlers(app: Flask) -> None:
    from app.errors import register

    register(app)


def register_cli(app: Flask) -> None:
    from app.cli import register

    register(app)
