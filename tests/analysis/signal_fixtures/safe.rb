# JWT.encode(payload, key) and User.where("name = '#{name}'") in a comment
class UsersController < ApplicationController
  DOC = "require 'jwt'; BCrypt::Password.create(x); Stripe::Charge.create"

  def index
    User.where("name = ?", params[:name])
    User.where(name: params[:name])
    User.find_by_sql(["SELECT * FROM users WHERE name = ?", params[:name]])
    label = "user #{params[:name]}"
    items.select { |i| i.active? }
    sql = "SELECT * FROM users WHERE name = $1"
    ActiveRecord::Base.connection.exec_query(sql, "q", [name])
    config.assets.digest = true
    jwt = params[:token]
    verify_access!(jwt)
    expected = digest(body)
    Rails.cache.fetch(key).session
  end
end
