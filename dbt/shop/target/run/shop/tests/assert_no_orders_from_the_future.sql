
    
    select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      
    
  
-- A loader with a wrong clock writes orders dated ahead: worth a look, not a stop.
select order_id, ordered_at
from "warehouse"."staging"."stg_orders"
where ordered_at > now() + interval '1 hour'
  
  
      
    ) dbt_internal_test