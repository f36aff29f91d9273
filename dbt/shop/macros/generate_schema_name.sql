{# Staging and marts land in their own schemas (staging, marts), not in <target schema>_staging. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {{ custom_schema_name | trim if custom_schema_name is not none else target.schema }}
{%- endmacro %}
