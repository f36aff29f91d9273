
  create view "warehouse"."staging"."stg_customers__dbt_tmp"
    
    
  as (
    select
    id as customer_id,
    name as customer_name,
    country
from "warehouse"."raw"."customers"
  );