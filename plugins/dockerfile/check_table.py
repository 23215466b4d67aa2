"""The code checks of the dockerfile plugin, by reference.

Each function is named as `module:function` and imported the first time a document
needs it (see `scaffold.Check`): every run registers every check, and a one-file
pre-commit run should not import the code of checks it never calls.
"""

from __future__ import annotations

from scaffold import Check

_AT = "scaffold_plugins.dockerfile."

REGISTRY_PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "registries": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "description": "Trusted registries: hosts (`docker.io`), host/path prefixes "
                           "(`registry.example.com/team`) or `*.example.com`. Empty: check off.",
        },
    },
}


CHECKS = [
    Check("dockerfile.base-image-tag", _AT + "images:base_image_tag"),
    Check("dockerfile.base-image-digest", _AT + "images:base_image_digest"),
    Check("dockerfile.trusted-registry", _AT + "images:trusted_registry",
          {**REGISTRY_PARAMS, "required": ["registries"]}),
    Check("dockerfile.toolchain-in-final-image", _AT + "images:toolchain_in_final_image"),
    Check("dockerfile.undefined-arg-in-from", _AT + "images:undefined_arg_in_from"),
    Check("dockerfile.platform-constant", _AT + "images:platform_constant"),
    Check("dockerfile.final-user", _AT + "users:final_user"),
    Check("dockerfile.user-not-numeric", _AT + "users:user_not_numeric"),
    Check("dockerfile.sudo", _AT + "users:sudo"),
    Check("dockerfile.healthcheck", _AT + "instructions:healthcheck"),
    Check("dockerfile.multiple-healthchecks", _AT + "instructions:multiple_healthchecks"),
    Check("dockerfile.multiple-cmd", _AT + "instructions:multiple_cmd"),
    Check("dockerfile.multiple-entrypoint", _AT + "instructions:multiple_entrypoint"),
    Check("dockerfile.exec-form", _AT + "instructions:exec_form"),
    Check("dockerfile.expose-ssh", _AT + "instructions:expose_ssh"),
    Check("dockerfile.expose-invalid-port", _AT + "instructions:expose_invalid"),
    Check("dockerfile.workdir-relative", _AT + "instructions:workdir_relative"),
    Check("dockerfile.legacy-key-value", _AT + "instructions:legacy_key_value"),
    Check("dockerfile.add-local-files", _AT + "files:add_for_local_files"),
    Check("dockerfile.add-remote-url", _AT + "files:add_remote_url"),
    Check("dockerfile.copy-destination-not-directory", _AT + "files:copy_destination_not_directory"),
    Check("dockerfile.duplicate-stage-name", _AT + "files:duplicate_stage_name"),
    Check("dockerfile.copy-from-invalid", _AT + "files:copy_from_invalid"),
    Check("dockerfile.relative-destination", _AT + "files:relative_destination"),
    Check("dockerfile.dockerignore-missing", _AT + "files:dockerignore_missing"),
    Check("dockerfile.secret-in-env", _AT + "secrets:secret_in_env"),
    Check("dockerfile.secret-build-arg", _AT + "secrets:secret_build_arg"),
    Check("dockerfile.secret-in-run", _AT + "secrets:secret_in_run"),
    Check("dockerfile.secret-file-copied", _AT + "secrets:secret_file_copied"),
    Check("dockerfile.run-cd", _AT + "commands:run_cd"),
    Check("dockerfile.curl-pipe-shell", _AT + "commands:curl_pipe_shell"),
    Check("dockerfile.pipefail", _AT + "commands:pipefail"),
    Check("dockerfile.tls-verification-disabled", _AT + "commands:tls_verification_disabled"),
    Check("dockerfile.signature-check-disabled", _AT + "commands:signature_check_disabled"),
    Check("dockerfile.world-writable", _AT + "commands:world_writable_check"),
    Check("dockerfile.update-alone", _AT + "packages:update_alone"),
    Check("dockerfile.package-upgrade", _AT + "packages:upgrade"),
    Check("dockerfile.apt-not-apt-get", _AT + "packages:apt_not_apt_get"),
    Check("dockerfile.install-prompts", _AT + "packages:install_prompts"),
    Check("dockerfile.no-install-recommends", _AT + "packages:no_install_recommends"),
    Check("dockerfile.apt-lists-kept", _AT + "packages:apt_lists_kept"),
    Check("dockerfile.apk-cache-kept", _AT + "packages:apk_cache_kept"),
    Check("dockerfile.pip-cache-kept", _AT + "packages:pip_cache_kept"),
    Check("dockerfile.rpm-cache-kept", _AT + "packages:rpm_cache_kept"),
    Check("dockerfile.apt-unpinned", _AT + "pins:apt_check"),
    Check("dockerfile.apk-unpinned", _AT + "pins:apk_check"),
    Check("dockerfile.pip-unpinned", _AT + "pins:pip_check"),
    Check("dockerfile.npm-unpinned", _AT + "pins:npm_check"),
    Check("dockerfile.gem-unpinned", _AT + "pins:gem_check"),
    Check("dockerignore.must-exclude", _AT + "dockerignore:must_exclude",
          {
              "type": "object",
              "additionalProperties": False,
              "required": ["paths", "what"],
              "properties": {
                  "paths": {
                      "type": "array",
                      "minItems": 1,
                      "items": {"type": "string", "minLength": 1},
                      "description": "Paths, relative to the context root, that must be excluded.",
                  },
                  "what": {
                      "type": "string",
                      "minLength": 1,
                      "description": "What they are, for messages.",
                  },
              },
          }),
]
