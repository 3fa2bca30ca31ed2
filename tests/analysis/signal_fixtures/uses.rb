require "jwt" # expect: jwt
require "openssl" # expect: crypto

class SessionsController < ApplicationController
  has_secure_password # expect: password

  def create
    token = JWT.encode({ sub: params[:id] }, secret) # expect: jwt
    digest = OpenSSL::Digest::SHA256.hexdigest(token) # expect: crypto
    hash = BCrypt::Password.create(params[:password]) # expect: password
    session[:user_id] = params[:id] # expect: session
    Stripe::Charge.create(amount: 100) # expect: payments
    User.find_by_sql("SELECT * FROM users WHERE name = '#{params[:name]}'") # expect: raw_sql
    User.where("name = '#{params[:name]}'") # expect: raw_sql
    ActiveRecord::Base.connection.execute("DELETE FROM users WHERE id = " + params[:id]) # expect: raw_sql
    sql = "SELECT * FROM users WHERE name = '" + params[:name] + "'"
    ActiveRecord::Base.connection.exec_query(sql) # expect: raw_sql
  end
end
