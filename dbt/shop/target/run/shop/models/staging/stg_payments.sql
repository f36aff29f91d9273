
  create view "warehouse"."staging"."stg_payments__dbt_tmp"
    
    
  as (
    select
    id as payment_id,
    order_id,
    method as payment_method,
    amount_cents / 100.0 as amount
from "warehouse"."raw"."payments"
  );