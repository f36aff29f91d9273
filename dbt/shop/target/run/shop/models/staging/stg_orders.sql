
  create view "warehouse"."staging"."stg_orders__dbt_tmp"
    
    
  as (
    select
    id as order_id,
    customer_id,
    lower(status) as status,
    ordered_at
from "warehouse"."raw"."orders"
  );